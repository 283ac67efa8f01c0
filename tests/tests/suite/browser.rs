//! A real browser on the sandbox's Payment Page: headless Chromium from the
//! OS packages, driven through ChromeDriver (WebDriver). It opens a Payment
//! Page URL built by the generated client, gives the phone number (the
//! operator preselected by the request), enters the OTP, sees the result;
//! the receiver gets the purchase callback, which the generated type
//! verifies; and `/sandbox` lists the payment.
//!
//! The test needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian:
//! `apt-get install chromium chromium-driver`; `.ci/run` installs them).
//! Without them it fails and says so, unless `GATESPEC_BROWSER=skip` is set,
//! which a machine without a browser sets on purpose.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use gatespec_client::monetix;
use gatespec_runtime::client::GateConfig;
use serde_json::{Value, json};

use crate::common;
use crate::common::harness::{Receiver, catalog, inspect, project_of, sandbox_with};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// ChromeDriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while reqwest::blocking::get(format!("{url}/status")).is_err() {
            assert!(Instant::now() < deadline, "chromedriver never answered");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A missing browser fails the test: a machine without one opts out with
/// `GATESPEC_BROWSER=skip` at build time, and the test is then reported as
/// ignored (see `tests/build.rs`), never as passed.
fn require_browser() {
    assert!(
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
        "the browser test needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver); \
         set GATESPEC_BROWSER=skip to leave it out on a machine without them"
    );
}

#[test]
#[cfg_attr(
    browser_skipped,
    ignore = "GATESPEC_BROWSER=skip: no Chromium on this machine"
)]
fn chromium_pays_on_the_payment_page_and_the_merchant_gets_the_callback() {
    require_browser();
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let catalog = catalog();
    let sandbox = sandbox_with(dir.path(), &receiver.url, &catalog, "");
    let (id, key) = project_of("monetix");

    // The URL, as a merchant's service builds it with the generated client.
    let compiled = common::specs();
    let (_, op) = compiled
        .ir
        .operation("monetix/mobile/purchase-page")
        .expect("the Payment Page");
    let mut example = op
        .request
        .examples
        .last()
        .expect("an example")
        .value
        .clone();
    example["payment_id"] = json!("browser-1");
    let request: monetix::mobile::purchase_page::Request =
        serde_json::from_value(example.clone()).expect("the example is typed");
    let client = monetix::Client::new(GateConfig::new(
        format!("http://{}", sandbox.addr),
        id,
        key.clone(),
    ))
    .expect("client");
    let url = client
        .mobile_purchase_page_url(&format!("http://{}/payment", sandbox.addr), &request)
        .expect("a signed URL");
    // The fields the page shows come from the method's lifecycle: one
    // element per callback member the customer fills.
    let page_op = catalog
        .by_id("monetix/mobile/purchase-page")
        .expect("the Payment Page operation");
    let (fills, chooses) = page_op.page_entries().expect("the page asks for entries");
    let element = |choices: bool| {
        fills
            .iter()
            .find(|(_, c)| c.is_empty() != choices)
            .map(|(p, _)| p.trim_start_matches('/').replace('/', "-"))
            .expect("an entry of that kind")
    };
    let (choice_id, text_id) = (element(true), element(false));
    let operator = chooses
        .and_then(|p| example.pointer(p))
        .and_then(Value::as_str)
        .expect("the example preselects an operator")
        .to_string();

    let driver = Driver::start();
    let profile = tempfile::tempdir().expect("a browser profile");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sandbox_addr = sandbox.addr;
    runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                // No GPU, no sandbox (CI runs as root), and none of the
                // background connections a closed network refuses.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a WebDriver session");

        browser.goto(&url).await.expect("the Payment Page opens");
        // The method is forced: the page asks for the account at once,
        // with the request's operator chosen.
        let kind = browser
            .wait()
            .for_element(Locator::Id(&choice_id))
            .await
            .expect("the operator choice");
        assert_eq!(
            kind.prop("value").await.expect("value").as_deref(),
            Some(operator.as_str())
        );
        browser
            .find(Locator::Id(&text_id))
            .await
            .expect("the phone field")
            .send_keys("77011234567")
            .await
            .expect("typed");
        browser
            .find(Locator::Id("send"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        let field = browser
            .wait()
            .for_element(Locator::Id("otp"))
            .await
            .expect("the OTP field");
        let otp = tokio::task::spawn_blocking(move || {
            inspect_at(sandbox_addr, id, "browser-1")["otp"]
                .as_str()
                .map(str::to_string)
        })
        .await
        .expect("inspection")
        .expect("the OTP is visible");
        field.send_keys(&otp).await.expect("typed");
        browser
            .find(Locator::Id("confirm"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        let result = browser
            .wait()
            .for_element(Locator::Id("result"))
            .await
            .expect("the result");
        assert_eq!(
            result
                .attr("data-status")
                .await
                .expect("attribute")
                .as_deref(),
            Some("success")
        );

        browser
            .goto(&format!("http://{sandbox_addr}/sandbox"))
            .await
            .expect("the sandbox page");
        let link = browser
            .find(Locator::LinkText("browser-1"))
            .await
            .expect("the payment is listed");
        assert!(
            link.attr("href")
                .await
                .expect("href")
                .is_some_and(|h| h.ends_with("/browser-1"))
        );
        browser.close().await.expect("the session closes");
    });

    // The merchant's side: one callback, verified and typed by the
    // generated code, saying what the customer did.
    let got = receiver.wait_for("browser-1", 1);
    let bytes = serde_json::to_vec(&got[0]).expect("JSON");
    let verified = monetix::mobile::purchase_page::Callback::verify(&bytes, &key)
        .expect("the callback verifies");
    let account = verified.callback.account.as_ref().expect("the account");
    assert_eq!(account.number.as_deref(), Some("77011234567"));
    assert_eq!(account.r#type.as_deref(), Some(operator.as_str()));
    assert_eq!(inspect(&sandbox, id, "browser-1")["status"], "success");
    sandbox.stop().expect("stops");
}

fn inspect_at(addr: std::net::SocketAddr, id: i64, payment: &str) -> Value {
    reqwest::blocking::get(format!("http://{addr}/sandbox/payments/{id}/{payment}"))
        .expect("inspection")
        .json()
        .expect("JSON")
}
