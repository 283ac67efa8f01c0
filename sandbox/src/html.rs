//! The sandbox's pages for people: the checkout screens of the Payment
//! Page and the list of payments at `/sandbox`. Plain HTML with an inline
//! style and no scripts or external assets; maud escapes every value, so a
//! customer name from a merchant's parameters cannot become markup.

use gatespec_runtime::Violation;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use crate::machine::Status;

/// Everything but RFC 3986's unreserved characters.
const RESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path segment, percent-encoded (a payment id may hold `/` or `?`).
/// An HTML answer, with a policy that lets the page load nothing from
/// anywhere (its style is inline) and post forms only to the sandbox.
pub fn html_answer(status: axum::http::StatusCode, markup: Markup) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut r = (status, axum::response::Html(markup.into_string())).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

/// `text` as one URL path segment.
pub fn segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, RESERVED).to_string()
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2433}\
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde;padding:.3rem .5rem;text-align:left;font-size:.9rem}\
.facts{background:#f4f6fa;padding:.6rem 1rem;border-radius:.4rem}.notice{background:#fff4d6;padding:.5rem 1rem;border-radius:.4rem}\
button{font:inherit;padding:.4rem 1rem;margin:.3rem 0}input,select{font:inherit;padding:.3rem}.sandbox{color:#667;font-size:.85rem}";

/// What every checkout screen shows.
pub struct Checkout<'a> {
    /// The brand whose page this is.
    pub brand: &'a str,
    /// The session's token (the page's address).
    pub token: &'a str,
    /// The merchant's payment id.
    pub payment_id: &'a str,
    /// The amount in minor units.
    pub amount: Option<i64>,
    /// The currency.
    pub currency: Option<&'a str>,
    /// A notice for the customer (a wrong code, say).
    pub notice: Option<&'a str>,
}

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
}

fn checkout(c: &Checkout<'_>, title: &str, body: Markup) -> Markup {
    layout(
        title,
        html! {
            p.sandbox { "gatespec sandbox · " (c.brand) " checkout" }
            h1 { (title) }
            div.facts {
                "Payment " strong #payment-id { (c.payment_id) }
                @if let Some(a) = c.amount {
                    " · " span #amount { (a) } " " (c.currency.unwrap_or_default()) " (minor units)"
                }
            }
            @if let Some(n) = c.notice {
                p.notice #notice role="status" { (n) }
            }
            (body)
        },
    )
}

/// A refused Payment Page request: the code, the message and every
/// violation with its JSON pointer.
pub fn refusal(code: &str, message: &str, violations: &[Violation]) -> Markup {
    layout(
        "Payment Page request refused",
        html! {
            h1 { "Payment Page request refused" }
            p #refusal data-code=(code) { code { (code) } ": " (message) }
            @if !violations.is_empty() {
                table {
                    tr { th { "pointer" } th { "code" } th { "message" } }
                    @for v in violations {
                        tr { td { code { (v.pointer) } } td { (v.code.as_str()) } td { (v.message) } }
                    }
                }
            }
        },
    )
}

/// The method choice.
pub fn choose(c: &Checkout<'_>, methods: &[(&str, &str)]) -> Markup {
    checkout(
        c,
        "Choose how to pay",
        html! {
            form method="post" action={ "/payment/" (c.token) "/method" } {
                @for (code, name) in methods {
                    p { button type="submit" name="method" value=(code) id={ "method-" (code) } { (name) } }
                }
            }
        },
    )
}

/// One thing the checkout page asks the customer to enter.
pub struct Entry<'a> {
    /// The form field's name (and the element's id).
    pub name: String,
    /// What it is, in words.
    pub label: String,
    /// The values to choose from (none: free text).
    pub choices: &'a [String],
    /// The choice the request preselects.
    pub preselected: Option<&'a str>,
}

/// The entries form: what the method's lifecycle says the checkout page
/// asks for.
pub fn entries(c: &Checkout<'_>, method_name: &str, fields: &[Entry<'_>]) -> Markup {
    checkout(
        c,
        method_name,
        html! {
            form method="post" action={ "/payment/" (c.token) "/entries" } {
                @for f in fields {
                    p {
                        label for=(f.name) { (f.label) } br;
                        @if f.choices.is_empty() {
                            input id=(f.name) name=(f.name) required;
                        } @else {
                            select id=(f.name) name=(f.name) {
                                @for k in f.choices {
                                    option value=(k) selected[f.preselected == Some(k.as_str())] { (k) }
                                }
                            }
                        }
                    }
                }
                button #send type="submit" { "Continue" }
            }
        },
    )
}

/// The way on to a redirect the lifecycle sends the customer to.
pub fn redirect(c: &Checkout<'_>, url: &str) -> Markup {
    checkout(
        c,
        "Continue at your bank",
        html! {
            p { a #redirect href=(url) { "Continue" } }
        },
    )
}

/// What the customer sees after a redirect the sandbox stood in for.
pub fn returned(payment_id: &str, status: Status) -> Markup {
    layout(
        "Back from the redirect",
        html! {
            p #result data-status=(status.as_str()) {
                "Payment " (payment_id) ": " strong { (status.as_str()) }
            }
            p.sandbox { "Sandbox: the redirect target is simulated; you can close this page." }
        },
    )
}

/// The OTP form, with the resend button.
pub fn otp(c: &Checkout<'_>, project_id: i64) -> Markup {
    checkout(
        c,
        "Enter the code from the message",
        html! {
            form method="post" action={ "/payment/" (c.token) "/otp" } {
                p {
                    label for="otp" { "Code" } br;
                    input #otp name="otp" inputmode="numeric" autocomplete="one-time-code" required;
                }
                button #confirm type="submit" { "Confirm" }
            }
            form method="post" action={ "/payment/" (c.token) "/resend" } {
                button #resend type="submit" { "Send a new code" }
            }
            p.sandbox {
                "Sandbox: no message is sent; the current code is in the "
                a href={ "/sandbox/payments/" (project_id) "/" (segment(c.payment_id)) } { "inspection API" } "."
            }
        },
    )
}

/// The result: the payment's status and its last operation's code and
/// message.
pub fn result(c: &Checkout<'_>, status: Status, last: Option<&(String, String, String)>) -> Markup {
    let title = match status {
        Status::SUCCESS => "Payment successful",
        Status::DECLINE => "Payment declined",
        _ => "Payment finished",
    };
    let status = status.as_str();
    checkout(
        c,
        title,
        html! {
            p #result data-status=(status) {
                "Status: " strong { (status) }
                @if let Some((_, code, message)) = last {
                    " · code " (code) ", " (message)
                }
            }
        },
    )
}

/// `/sandbox`: the latest payments and their deliveries.
pub fn index(rows: &[Value]) -> Markup {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    layout(
        "gatespec sandbox",
        html! {
            h1 { "gatespec sandbox" }
            p.sandbox { "The latest " (rows.len()) " payments, newest first. Each links to its inspection JSON." }
            table #payments {
                tr {
                    th { "project" } th { "payment" } th { "operation" } th { "status" }
                    th { "amount" } th { "callbacks delivered" } th { "attempts" }
                }
                @for r in rows {
                    tr {
                        td { (text(&r["project_id"])) }
                        td { a href={ "/sandbox/payments/" (text(&r["project_id"])) "/" (segment(&text(&r["payment_id"]))) } { (text(&r["payment_id"])) } }
                        td { (text(&r["operation"])) }
                        td { (text(&r["status"])) }
                        td { (text(&r["amount"])) " " (text(&r["currency"])) }
                        td { (text(&r["delivered"])) " of " (text(&r["callbacks"])) }
                        td { (text(&r["attempts"])) }
                    }
                }
            }
        },
    )
}
