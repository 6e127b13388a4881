// A permit has private fields: its one constructor, `EgressPermit::issue`,
// exists only behind the `permit-issuer` feature.
use phiguard_phi::{CategorySet, EgressPermit};

fn main() {
    let _permit = EgressPermit { sink: "x".into(), categories: CategorySet::all() };
}
