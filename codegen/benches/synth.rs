//! Synthetic spec sets for benchmarks: the real brands and shared objects
//! plus `n` payout methods in the common shape, each with a table, a limit,
//! a request, a callback and an example, like a real method file.

use std::io;
use std::path::Path;

/// Writes `brands.yaml`, `shared.yaml` (copied from `specs`) and `n`
/// synthetic methods under `dir/<brand>/`.
pub fn write_specs(specs: &Path, dir: &Path, n: usize) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in ["brands.yaml", "shared.yaml"] {
        std::fs::copy(specs.join(f), dir.join(f))?;
    }
    let brands = ["monetix", "rocketpay", "flashpay"];
    for i in 0..n {
        let brand = brands[i % brands.len()];
        std::fs::create_dir_all(dir.join(brand))?;
        std::fs::write(
            dir.join(format!("{brand}/synth-{i:04}.yaml")),
            method(brand, i),
        )?;
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
