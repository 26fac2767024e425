//! Writes the QR corpus (300 frames, fixed seed, with `manifest.json`) into a directory, with
//! `--hard` the hard set (120 frames), or with `--fixtures DIR` the committed Google
//! Authenticator export fixtures.
//!
//!     qr-corpus DIR
//!     qr-corpus --hard DIR
//!     qr-corpus --fixtures tests/fixtures/qr

use std::path::PathBuf;
use std::process::ExitCode;

use twofold_core::otp::uri::OtpUri;
use twofold_core::transfer::google;
use twofold_e2e::qr_corpus;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, dir] if flag == "--fixtures" => fixtures(&PathBuf::from(dir)),
        [flag, dir] if flag == "--hard" => qr_corpus::generate(
            &PathBuf::from(dir),
            qr_corpus::SEED,
            qr_corpus::HARD_CONDITIONS,
            qr_corpus::HARD_PER_CONDITION,
        )
        .map(|e| println!("wrote {} images and manifest.json to {dir}", e.len()))
        .map_err(|e| e.to_string()),
        [dir] => qr_corpus::generate(
            &PathBuf::from(dir),
            qr_corpus::SEED,
            qr_corpus::CONDITIONS,
            qr_corpus::PER_CONDITION,
        )
        .map(|e| println!("wrote {} images and manifest.json to {dir}", e.len()))
        .map_err(|e| e.to_string()),
        _ => Err("usage: qr-corpus DIR | qr-corpus --hard DIR | qr-corpus --fixtures DIR".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qr-corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A Google Authenticator export of three made-up accounts, in two QR codes (batch_id 4242).
fn fixtures(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let parse = |u: &str| OtpUri::parse(u).map_err(|e| e.to_string());
    let batches = [
        vec![
            parse("otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services")?,
            parse("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&digits=8&algorithm=SHA256")?,
        ],
        vec![parse("otpauth://hotp/Example:bob?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Example&counter=5")?],
    ];
    let mut listing = String::new();
    for (i, accounts) in batches.iter().enumerate() {
        let uri = google::to_uri(accounts, 2, i as i32, 4242);
        let img = qr_corpus::plain_code(&uri, 6).ok_or("the export does not fit a QR code")?;
        let name = format!("google-export-{}of2.png", i + 1);
        img.save(dir.join(&name)).map_err(|e| e.to_string())?;
        listing.push_str(&format!("{name} {}\n", uri.as_str()));
    }
    std::fs::write(dir.join("google-export.txt"), listing).map_err(|e| e.to_string())?;
    println!(
        "wrote the Google Authenticator export fixtures to {}",
        dir.display()
    );
    Ok(())
}
