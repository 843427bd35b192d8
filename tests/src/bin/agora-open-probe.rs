//! Test helper: tries to open the marketplace database given as its argument, from a separate
//! process, and reports the error. Used by the storage suite to prove the cross-process lock.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: agora-open-probe DB");
        std::process::exit(2);
    };
    match agora::Marketplace::open(&path) {
        Ok(_) => println!("opened"),
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
