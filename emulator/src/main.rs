fn main() {
    eprintln!("jobs-emulator: not built yet");
    std::process::exit(2);
}
