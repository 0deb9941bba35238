//! Pages that are not the points page but arrive where one (or JSON) was expected: the PHP 8
//! fatal-error page, the login form, the maintenance notice and the stand-in's 404.

use super::Lang;
use super::php::html;
use super::shell::{self, Frame, Visitor};

/// EQDKP's fatal-error page: standalone HTML (not the site frame) that claims
/// `iso-8859-1` in its meta tag although the header says UTF-8.
pub fn fatal_error() -> String {
    String::from(
        "<!DOCTYPE html>\n\t\t\t\t\t\t<html>\n\t\t\t\t\t\t<head>\n\
         \t\t\t\t\t\t\t<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\" />\n\n\
         \t\t\t\t\t\t\t<title>EQdkp Plus - Fatal error</title>\n\
         \t\t\t\t\t\t\t<style type=\"text/css\">body { font-family: sans-serif; } \
         .inlineCode { font-family: monospace; }</style>\n\
         \t\t\t\t\t\t</head>\n\n\t\t\t\t\t\t<body>\n\n\t\t\t\t\t\t<div class=\"wrapper\">\n\
         \t\t\t\t\t\t\t<div class=\"header\">\n\t\t\t\t\t\t\t\tEQdkp Plus Fatal error\n\t\t\t\t\t\t\t</div>\n\n\
         \t\t\t\t\t\t\t<div class=\"innerWrapper\">\n\
         \t\t\t\t\t\t\t\t<h1>A Fatal error has occured</h1><br />\n\n\n\
         Internal error code: <span class=\"inlineCode\">20261203:0123456789abcdef0123456789abcdef</span>\
         <br /><br />Please forward the above error code to the site administrator.<br /><br />\
         </div>\n\n\t\t\t\t\t</div>\n\
         \t\t\t\t\t<div class=\"footer\">\n\t\t\t\t\t\t<a href=\"https://eqdkpplus.github.io/\" \
         target=\"_new\">EQDKP Plus</a> &copy; 2003 - 2026 by EQDKP Plus Developer Team\n\
         \t\t\t\t\t</div>\n\t\t\t\t\t</body>\n\t\t\t\t\t</html>",
    )
}

/// The login page in the site frame: the form is visible here and there is no points
/// table.
pub fn login() -> String {
    let mut content = String::from("\t<h1 class=\"contentTitle\">Login</h1>\n");
    shell::push_login_dialog(&mut content, "/");
    let content = content.replace(" style=\"display:none;\"", "");
    shell::wrap(&guest_frame("Login"), &content)
}

/// The notice EQDKP shows on every URL while an admin has the site in maintenance mode.
pub fn maintenance() -> String {
    let content = "\t<h1 class=\"contentTitle\">Maintenance</h1>\n\
                   \t<div class=\"infobox infobox-large infobox-blue\"><i class=\"fa fa-cog fa-spin\"></i> \
                   This site is currently undergoing maintenance. Please come back later.</div>\n";
    shell::wrap(&guest_frame("Maintenance"), content)
}

/// The stand-in's answer for any URL it does not serve.
pub fn not_found(path: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>\
         <h1>Not Found</h1><p>The stand-in EQDKP site does not serve {}.</p></body></html>",
        html(path)
    )
}

fn guest_frame(title: &str) -> Frame<'_> {
    Frame {
        lang: Lang::English,
        server_path: "/",
        title,
        guild: "My Guild",
        visitor: Visitor::Guest,
    }
}
