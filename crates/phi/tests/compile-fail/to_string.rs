use phiguard_phi::{Phi, PhiCategory};

fn main() {
    let name = Phi::new(String::from("Ada"), PhiCategory::Name);
    let _plain: String = name.to_string();
}
