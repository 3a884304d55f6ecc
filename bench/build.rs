//! Compiles `c/jobs_client.c`, the C side of the benchmarks: it calls the `AwsIotJobs_*` API
//! exactly as firmware does, through the generated headers of `../include`.

fn main() {
    println!("cargo:rerun-if-changed=c/jobs_client.c");
    println!("cargo:rerun-if-changed=../include");
    cc::Build::new()
        .file("c/jobs_client.c")
        .include("../include")
        .std("c11")
        .define("_POSIX_C_SOURCE", "200809L")
        .flag("-Wall")
        .flag("-Wextra")
        .flag("-Werror")
        .opt_level(2)
        .compile("bench_jobs_client");
}
