//! The page frame every EQDKP "EQdkp Clean" page shares: head, banner, menu and footer.
//! It is much shorter than the real one but keeps the parts that trip scrapers: an empty
//! `<h2></h2>` in the banner, a menu full of links, and on guest pages a hidden login form
//! (so "has a password field" does not mean "is the login page").

use super::Lang;

/// Who is looking: guests get the login dialog, users the `?s=` session links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visitor {
    Guest,
    User,
}

/// What varies between pages inside the frame.
pub struct Frame<'a> {
    pub lang: Lang,
    pub server_path: &'a str,
    /// Page title before " - {guild} ".
    pub title: &'a str,
    pub guild: &'a str,
    pub visitor: Visitor,
}

/// Wraps `content` (the inside of `article.article_content`) in the frame.
pub fn wrap(frame: &Frame<'_>, content: &str) -> String {
    let mut out = String::with_capacity(content.len() + 4096);
    push_head(&mut out, frame);
    push_banner(&mut out, frame);
    out.push_str("\t<article class=\"article_content \">\n");
    out.push_str(content);
    out.push_str("\n\t</article>\n\t<div class=\"clear\"></div>\n");
    push_footer(&mut out, frame);
    out
}

fn push_head(out: &mut String, frame: &Frame<'_>) {
    let html_lang = match frame.lang {
        Lang::English => "en",
        Lang::German => "de",
    };
    let sp = frame.server_path;
    put!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n\t<head>\n\
         \t<!-- This website is powered by EQDKP-PLUS Gamers CMS (stand-in) //-->\n\
         \t\t<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\
         \t\t<meta name=\"keywords\" content=\"{guild}, eq\" />\n\
         \t\t<meta name=\"viewport\" content=\"width=device-width,initial-scale=1.0\" />\n\
         \t\t<title>{title} - {guild} </title>\n\
         \t\t<script type='text/javascript'>var mmocms_root_path='{sp}';\
         var mmocms_controller_path='{sp}index.php/';var mmocms_seo_extension='.html';</script>\n\
         \t</head>\n\
         \t<body id=\"top\" data-template=\"article\" class=\"responsive frontend\">\n\
         \t\t<div id=\"pageBody\">\n",
        guild = super::php::html(frame.guild),
        title = frame.title,
    );
}

fn push_banner(out: &mut String, frame: &Frame<'_>) {
    let sp = frame.server_path;
    let (home, points, login) = match frame.lang {
        Lang::English => ("Home", "Points", "Login"),
        Lang::German => ("Startseite", "Punkte", "Anmelden"),
    };
    let personal = match frame.visitor {
        Visitor::Guest => format!(
            "<a href=\"{sp}index.php/Login.html?\" class=\"openLoginModal\">\
             <i class=\"fa fa-sign-in fa-lg\"></i> <span>{login}</span></a>"
        ),
        Visitor::User => format!(
            "<a href=\"{sp}index.php/Settings/?s=\"><i class=\"fa fa-user fa-lg\"></i> \
             <span>admin</span></a>"
        ),
    };
    put!(
        out,
        "\t\t<header>\n\t\t\t<div id=\"personalArea\"><div id=\"personalAreaUser\"><ul>\
         <li>{personal}</li></ul></div></div>\n\
         \t\t</header>\n\t\t<div id=\"wrapper\">\n\t\t<header>\n\t\t\t<div id=\"banner\">\n\
         \t\t\t\t<hgroup id=\"titles\">\n\t\t\t\t\t\t<h1></h1><br />\n\t\t\t\t\t\t<h2></h2>\n\
         \t\t\t\t</hgroup>\n\t\t\t</div>\n\t\t</header>\n\
         \t\t<nav id=\"nav\"><ul class=\"mainmenu\">\
         <li><a href=\"{sp}index.php/?\" itemprop=\"url\"><span itemprop=\"name\">{home}</span></a></li>\
         <li><a href=\"{sp}index.php/Points/?\" itemprop=\"url\"><span itemprop=\"name\">{points}</span></a></li>\
         </ul></nav>\n\
         \t\t<section id=\"contentContainer\">\n\t\t\t<div id=\"contentBody\">\n"
    );
}

fn push_footer(out: &mut String, frame: &Frame<'_>) {
    out.push_str(
        "\t\t\t</div><!-- close contentBody -->\n\t\t</section>\n\t</div><!-- close wrapper -->\n",
    );
    if frame.visitor == Visitor::Guest {
        push_login_dialog(out, frame.server_path);
    }
    out.push_str(
        "\t<footer id=\"contentFooter\"><div class=\"copyright\">\
         <a href=\"https://eqdkpplus.github.io/\" target=\"new\">Powered by <b>EQdkp Plus</b></a>\
         </div></footer>\n\t</div> <!-- close #pageBody -->\n\t</body>\n</html>",
    );
}

/// The login dialog, hidden on every guest page and shown alone on the login page.
pub fn push_login_dialog(out: &mut String, server_path: &str) {
    put!(
        out,
        "\t<div id=\"dialog-login\" title=\"Login\" style=\"display:none;\">\n\
         \t\t<form method=\"post\" action=\"{server_path}index.php/Login.html?\" name=\"login\" id=\"login\">\n\
         \t\t\t<input type=\"text\" name=\"username\" class=\"input username\" placeholder=\"Username\" required />\n\
         \t\t\t<input type=\"password\" name=\"password\" class=\"input password\" placeholder=\"Password\" required />\n\
         \t\t\t<button type=\"submit\" name=\"login\" class=\"mainoption\"><i class=\"fa fa-sign-in\"></i> Login</button>\n\
         \t\t</form>\n\t</div>\n"
    );
}
