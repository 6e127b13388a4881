use phiguard_phi::{Phi, PhiCategory};

fn main() {
    let name = Phi::new(String::from("Ada"), PhiCategory::Name);
    println!("{}", name);
}
