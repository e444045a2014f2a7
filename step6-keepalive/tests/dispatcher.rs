//! The Dispatcher function of this step, run in the test's process: what
//! happens when its service instances end, which no client can cause.

testkit::dispatcher_in_process!(step6_keepalive::dispatcher::dispatcher);
