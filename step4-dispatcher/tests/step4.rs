//! Step 4 over real TCP: the HTTP conventions, and the Dispatcher with its
//! services and file server (checks that step 5 runs too).

use testkit::conventions::Step;

const STEP: Step =
    Step { binary: env!("CARGO_BIN_EXE_step4-dispatcher"), args: &[], ok_path: "/hello.html" };

testkit::http_conventions!(STEP);
testkit::dispatcher_services!(
    STEP,
    concat!(env!("CARGO_MANIFEST_DIR"), "/www"),
    step4_dispatcher::dispatcher::dispatcher
);
