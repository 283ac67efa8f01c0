//! Synthetic spec sets for benchmarks: the real brands and shared objects
//! plus `n` methods over the three brands: payout methods in the common
//! shape, each with a table, a limit, a request, a callback and an example,
//! like a real method file, and (when asked) one purchase-with-refund
//! method in every ten.

use std::io;
use std::path::Path;

/// Writes `brands.yaml`, `shared.yaml` (copied from `specs`) and `n`
/// synthetic methods under `dir/<brand>/`.
#[allow(dead_code)] // Each bench binary uses its own part of this module.
pub fn write_specs(specs: &Path, dir: &Path, n: usize) -> io::Result<()> {
    write_mixed(specs, dir, n, false)
}

/// `n` payout methods of the held-out shape ([`held_out`]) over the three
/// brands, with the real brands and shared objects.
#[allow(dead_code)] // Each bench binary uses its own part of this module.
pub fn write_held_out(specs: &Path, dir: &Path, n: usize) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in ["brands.yaml", "shared.yaml"] {
        std::fs::copy(specs.join(f), dir.join(f))?;
    }
    let brands = ["monetix", "rocketpay", "flashpay"];
    for i in 0..n {
        let brand = brands[i % brands.len()];
        std::fs::create_dir_all(dir.join(brand))?;
        std::fs::write(
            dir.join(format!("{brand}/held-{i:04}.yaml")),
            held_out(brand, i),
        )?;
    }
    Ok(())
}

/// The held-out shape (issue 22): a payout whose account object is its own
/// (its number's pattern, its bank list and its holder differ per method)
/// and a callback that adds the account.
/// No two methods share a type of their own, as in the real catalogue.
fn held_out(brand: &str, i: usize) -> String {
    let digits = 8 + i % 9;
    format!(
        r#"method:
  id: held-{i:04}
  brand: {brand}
  code: held-{i:04}
  name: Held-out payout method {i}
  source: synthetic
  summary: A payout to an account of its own shape, for benchmarks.
  countries: [KZ]
  currencies: [KZT]
  interfaces: {{payout: [gate]}}
  limits:
    payout: {{currency: KZT, min: "{min}.00", max: "15,000.00", description: Limits.}}
  tables:
    banks:
      title: Banks
      informational: true
      note: For information only.
      key: code
      columns: {{bank: Bank, code: Code}}
      rows:
        - {{bank: First Bank, code: "1{i:04}"}}
        - {{bank: Second Bank, code: "2{i:04}"}}
  operations:
    payout:
      title: Payout by using Gate
      kind: payout
      interface: gate
      endpoint: {{method: POST, path: /v2/payment/held-{i:04}/payout}}
      request:
        fields:
          general: {{object: general, required: strict, description: General request information.}}
          customer: {{object: customer, required: strict, description: Customer information.}}
          account:
            type: object
            required: strict
            description: Account.
            fields:
              number: {{type: string, pattern: "^[0-9]{{{digits}}}$", required: strict, description: Account number., example: "{example}"}}
              bank_code: {{type: string, known_values: banks, required: strict, description: Bank code.}}
              holder: {{type: string, max_length: {holder_len}, required: optional, description: Account holder.}}
          payment:
            object: payment
            required: strict
            description: Payment information.
            refine:
              currency: {{const: KZT, example: KZT}}
              amount: {{amount_limit: payout}}
        examples:
          - title: A request
            value: {{general: {{project_id: {i}, payment_id: p_{i}, signature: c2ln}}, customer: {{id: c, ip_address: 192.0.2.1, first_name: J, last_name: D, email: j@example.com}}, account: {{number: "{example}", bank_code: "1{i:04}"}}, payment: {{currency: KZT, amount: 100000}}}}
      callback:
        object: callback
        fields:
          account:
            type: object
            required: optional
            description: The account paid.
            fields:
              number: {{type: string, required: optional, description: Account number.}}
        examples:
          - title: A callback
            value: {{project_id: {i}, payment: {{id: p_{i}, type: payout, status: success}}, account: {{number: "{example}"}}, signature: c2ln}}
"#,
        min = 10 + i % 90,
        holder_len = 40 + i % 24,
        example = "7".repeat(digits),
    )
}

/// Like [`write_specs`]; with `purchases`, every tenth method is a
/// purchase with a refund instead of a payout.
pub fn write_mixed(specs: &Path, dir: &Path, n: usize, purchases: bool) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in ["brands.yaml", "shared.yaml"] {
        std::fs::copy(specs.join(f), dir.join(f))?;
    }
    let brands = ["monetix", "rocketpay", "flashpay"];
    for i in 0..n {
        let brand = brands[i % brands.len()];
        std::fs::create_dir_all(dir.join(brand))?;
        let text = if purchases && i % 10 == 9 {
            purchase(brand, i)
        } else {
            method(brand, i)
        };
        std::fs::write(dir.join(format!("{brand}/synth-{i:04}.yaml")), text)?;
    }
    Ok(())
}

fn method(brand: &str, i: usize) -> String {
    let min = 10 + i % 90;
    format!(
        r#"method:
  id: synth-{i:04}
  brand: {brand}
  code: synth-{i:04}
  name: Synthetic payout method {i}
  source: synthetic
  summary: A generated payout method for benchmarks.
  countries: [KZ]
  currencies: [KZT]
  interfaces: {{payout: [gate, dashboard]}}
  limits:
    payout: {{currency: KZT, min: "{min}.00", max: "15,000.00", description: Limits.}}
  tables:
    banks:
      title: Banks
      informational: true
      note: For information only.
      key: code
      columns: {{bank: Bank, code: Code}}
      rows:
        - {{bank: First Bank, code: "1{i:04}"}}
        - {{bank: Second Bank, code: "2{i:04}"}}
  operations:
    payout:
      title: Payout by using Gate
      kind: payout
      interface: gate
      endpoint: {{method: POST, path: /v2/payment/synth-{i:04}/payout}}
      request:
        fields:
          general: {{object: general, required: strict, description: General request information.}}
          customer: {{object: customer, required: strict, description: Customer information.}}
          account:
            type: object
            required: strict
            description: Account.
            fields:
              number: {{type: string, format: phone, required: strict, description: Phone number., example: "77001234567"}}
              bank_code: {{type: string, known_values: banks, required: strict, description: Bank code.}}
          payment:
            object: payment
            required: strict
            description: Payment information.
            refine:
              currency: {{const: KZT, example: KZT}}
              amount: {{amount_limit: payout}}
        examples:
          - title: A request
            value: {{general: {{project_id: {i}, payment_id: p_{i}, signature: c2ln}}, customer: {{id: c, ip_address: 192.0.2.1, first_name: J, last_name: D, email: j@example.com}}, account: {{number: "77001234567", bank_code: "1{i:04}"}}, payment: {{currency: KZT, amount: 100000}}}}
      callback:
        object: callback
        examples:
          - title: A callback
            value: {{project_id: {i}, payment: {{id: p_{i}, type: payout, status: success}}, signature: c2ln}}
"#
    )
}

fn purchase(brand: &str, i: usize) -> String {
    format!(
        r#"method:
  id: synth-{i:04}
  brand: {brand}
  code: synth-{i:04}
  name: Synthetic purchase method {i}
  source: synthetic
  summary: A generated purchase method with refunds, for benchmarks.
  countries: [KZ]
  currencies: [KZT]
  interfaces: {{purchase: [gate], refund: [gate]}}
  limits:
    purchase: {{currency: KZT, min: "1.00", max: "50,000.00", description: Limits.}}
  operations:
    purchase:
      title: Purchase by using Gate
      kind: purchase
      interface: gate
      endpoint: {{method: POST, path: /v2/payment/synth-{i:04}/sale}}
      request:
        fields:
          general: {{object: general, required: strict, description: General request information.}}
          customer: {{object: customer, required: strict, description: Customer information.}}
          payment:
            object: payment
            required: strict
            description: Payment information.
            refine:
              currency: {{const: KZT, example: KZT}}
              amount: {{amount_limit: purchase}}
        examples:
          - title: A request
            value: {{general: {{project_id: {i}, payment_id: p_{i}, signature: c2ln}}, customer: {{id: c, ip_address: 192.0.2.1, first_name: J, last_name: D, email: j@example.com}}, payment: {{currency: KZT, amount: 100000}}}}
      callback:
        object: callback
        examples:
          - title: A callback
            value: {{project_id: {i}, payment: {{id: p_{i}, type: purchase, status: success}}, signature: c2ln}}
    refund:
      title: Refund by using Gate
      kind: refund
      interface: gate
      endpoint: {{method: POST, path: /v2/payment/synth-{i:04}/refund}}
      request:
        fields:
          general: {{object: general, required: strict, description: General request information.}}
          payment:
            object: payment
            required: optional
            description: Refund information.
            refine:
              currency: {{required: conditional, condition: for a partial refund}}
              amount: {{required: conditional, condition: for a partial refund}}
            dependent_required: {{amount: [currency]}}
        examples:
          - title: A partial refund
            value: {{general: {{project_id: {i}, payment_id: p_{i}, signature: c2ln}}, payment: {{currency: KZT, amount: 1000}}}}
      callback:
        object: callback
        examples:
          - title: A callback
            value: {{project_id: {i}, payment: {{id: p_{i}, type: refund, status: success}}, signature: c2ln}}
"#
    )
}
