use phiguard_phi::{Phi, PhiCategory};

fn takes_str(_: &str) {}

fn main() {
    let name = Phi::new(String::from("Ada"), PhiCategory::Name);
    takes_str(&name);
}
