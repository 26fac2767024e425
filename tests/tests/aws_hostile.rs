//! Issue 16: what a hostile or misconfigured STS endpoint sends back is never written, cached
//! or printed for a shell as it came. A fake STS on loopback (a std TcpListener thread with
//! canned responses) answers `twofold aws session`, the real CLI binary.

// Test helpers outside #[test] fns may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use twofold_e2e::harness;

/// A fake STS on 127.0.0.1 answering every request with `body` (200, text/xml); counts requests.
struct FakeSts {
    endpoint: String,
    requests: Arc<AtomicUsize>,
}

impl FakeSts {
    fn start(body: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream);
                // Request line and headers, then the body of Content-Length bytes.
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut request_body = vec![0; length];
                let _ = reader.read_exact(&mut request_body);
                counter.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let mut stream = reader.into_inner();
                let _ = stream.write_all(response.as_bytes());
                let _ = stream.flush();
            }
        });
        FakeSts { endpoint, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// A GetSessionToken response whose credentials are `secret` and `token` (XML-escaped already).
fn session_token_response(secret: &str, token: &str) -> String {
    format!(
        r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <AccessKeyId>ASIAFAKEFAKEFAKE1234</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata><RequestId>7d8e1f2a-0000-4000-8000-000000000000</RequestId></ResponseMetadata>
</GetSessionTokenResponse>"#
    )
}

const SEED_A: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SEED_B: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

const CREDENTIALS: &str = "# team keys\r\n[default]\r\naws_access_key_id = AKIADEFAULTEXAMPLE\r\naws_secret_access_key = default-secret\r\n\r\n[sam]\r\naws_access_key_id = AKIASAMEXAMPLE0000\r\naws_secret_access_key = sam-secret\r\n[sam2]\r\naws_access_key_id = AKIASAM2EXAMPLE000\r\naws_secret_access_key = sam2-secret\r\n";

struct World {
    dir: PathBuf,
    endpoint: String,
}

impl World {
    fn new(dir: &Path, endpoint: &str) -> Self {
        let w = World {
            dir: dir.to_path_buf(),
            endpoint: endpoint.to_string(),
        };
        std::fs::write(dir.join("credentials"), CREDENTIALS).unwrap();
        std::fs::write(
            dir.join("config"),
            "[profile sam]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/sam\n\
             [profile sam2]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/sam2\n\
             [profile ops]\nrole_arn = arn:aws:iam::123456789012:role/Ops\nsource_profile = sam\n\
             mfa_serial = arn:aws:iam::123456789012:mfa/sam\n",
        )
        .unwrap();
        for (name, seed, profile) in [("sam", SEED_A, "sam"), ("sam2", SEED_B, "sam2")] {
            let uri = format!("otpauth://totp/AWS:{name}?secret={seed}&issuer=AWS");
            let uri_file = dir.join(format!("{name}.uri"));
            std::fs::write(&uri_file, uri).unwrap();
            w.ok(&[
                "add",
                "--uri-file",
                uri_file.to_str().unwrap(),
                "--name",
                name,
            ]);
            w.ok(&["aws", "link", "--profile", profile, "--account", name]);
        }
        w
    }

    fn twofold(&self, args: &[&str]) -> Output {
        Command::new(harness::cli_bin())
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("AWS_CONFIG_FILE", self.dir.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.dir.join("credentials"))
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("TWOFOLD_VAULT", self.dir.join("vault.json"))
            .env("TWOFOLD_STATE_DIR", self.dir.join("state"))
            .env("TWOFOLD_PASSWORD", "pw")
            .env("TWOFOLD_NO_KEYRING", "1")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.twofold(args);
        assert!(
            out.status.success(),
            "twofold {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn credentials(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("credentials")).unwrap()
    }
}

#[test]
fn a_hostile_sts_response_is_refused_and_nothing_is_written_printed_or_run() {
    let dir = harness::temp_dir();
    let marker = dir.path().join("pwned");
    let secret = format!("$(touch {})", marker.display());
    let sts = FakeSts::start(session_token_response(
        &secret,
        "FwoGZXIvYXdz&#10;[prod]&#10;aws_access_key_id = EVIL&#10;credential_process = touch x",
    ));
    let w = World::new(dir.path(), &sts.endpoint);
    let before = w.credentials();

    // Written as a profile: refused, the file untouched byte for byte.
    let out = w.twofold(&["aws", "session", "--profile", "sam"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert_eq!(sts.requests(), 1, "the fake STS was asked: {stderr}");
    assert!(
        stderr.contains("GetSessionToken returned unusable credentials"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("EVIL") && !stderr.contains("touch"),
        "{stderr}"
    );
    assert_eq!(w.credentials(), before);
    assert!(!String::from_utf8_lossy(&w.credentials()).contains("[prod]"));
    assert!(!marker.exists());

    // Nor was it cached: the next call asks STS again (another device, so no window wait).
    let out = w.twofold(&["aws", "session", "--profile", "sam2", "--env"]);
    assert!(!out.status.success());
    assert_eq!(sts.requests(), 2, "nothing was served from a cache");
    assert!(
        out.stdout.is_empty(),
        "nothing printed for a shell: {out:?}"
    );
    // What a user would have run: eval of the (empty) output runs nothing.
    let eval = Command::new("bash")
        .args([
            "-c",
            r#"eval "$1""#,
            "bash",
            &String::from_utf8_lossy(&out.stdout),
        ])
        .status()
        .unwrap();
    assert!(eval.success());
    assert!(!marker.exists());
    assert_eq!(w.credentials(), before);
}

#[test]
fn a_clean_session_is_written_in_the_files_crlf_and_through_its_symlink() {
    let dir = harness::temp_dir();
    let sts = FakeSts::start(session_token_response(
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "FwoGZXIvYXdzEBYaDH+/token==",
    ));
    let w = World::new(dir.path(), &sts.endpoint);
    // ~/.aws/credentials is a link into a dotfiles folder.
    let dotfiles = dir.path().join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    std::fs::rename(
        dir.path().join("credentials"),
        dotfiles.join("aws-credentials"),
    )
    .unwrap();
    std::os::unix::fs::symlink("dotfiles/aws-credentials", dir.path().join("credentials")).unwrap();

    w.ok(&["aws", "session", "--profile", "sam"]);
    let link = std::fs::symlink_metadata(dir.path().join("credentials")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let text = std::fs::read_to_string(dotfiles.join("aws-credentials")).unwrap();
    assert!(text.starts_with(CREDENTIALS), "{text:?}");
    assert_eq!(
        &text[CREDENTIALS.len()..],
        "\r\n[sam-mfa]\r\naws_access_key_id = ASIAFAKEFAKEFAKE1234\r\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r\naws_session_token = FwoGZXIvYXdzEBYaDH+/token==\r\n"
    );

    // --env for bash: quoted, and eval exports the values verbatim.
    let env = w.ok(&["aws", "session", "--profile", "sam", "--env"]);
    assert!(
        env.contains("export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'"),
        "{env}"
    );
    let out = Command::new("bash")
        .args([
            "-c",
            r#"eval "$1"; printf '%s|%s' "$AWS_ACCESS_KEY_ID" "$AWS_SESSION_TOKEN""#,
            "bash",
            &env,
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ASIAFAKEFAKEFAKE1234|FwoGZXIvYXdzEBYaDH+/token=="
    );
    let fish = w.ok(&[
        "aws",
        "session",
        "--profile",
        "sam",
        "--env",
        "--shell",
        "fish",
    ]);
    assert!(
        fish.contains("set -gx AWS_SESSION_TOKEN 'FwoGZXIvYXdzEBYaDH+/token=='"),
        "{fish}"
    );
    let ps = w.ok(&[
        "aws",
        "session",
        "--profile",
        "sam",
        "--env",
        "--shell",
        "powershell",
    ]);
    assert!(
        ps.contains("$Env:AWS_ACCESS_KEY_ID = 'ASIAFAKEFAKEFAKE1234'"),
        "{ps}"
    );
    assert_eq!(
        sts.requests(),
        1,
        "the later calls were served from the cache"
    );
}

#[test]
fn long_term_keys_are_never_a_session_target_and_plain_http_goes_to_loopback_only() {
    let dir = harness::temp_dir();
    let sts = FakeSts::start(session_token_response("s", "t"));
    let w = World::new(dir.path(), &sts.endpoint);
    let before = w.credentials();
    // The profile itself, and a role's source profile: refused before any code is spent.
    for (profile, target) in [("sam", "sam"), ("ops", "sam"), ("sam2", "default")] {
        let out = w.twofold(&[
            "aws",
            "session",
            "--profile",
            profile,
            "--target-profile",
            target,
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{profile} -> {target}");
        assert!(stderr.contains("long-term keys"), "{stderr}");
    }
    assert_eq!(sts.requests(), 0);
    assert_eq!(w.credentials(), before);

    // A plain-http endpoint on another host is refused before anything is sent.
    let out = w.twofold(&[
        "aws",
        "session",
        "--profile",
        "sam",
        "--endpoint-url",
        "http://192.0.2.1:5000",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("refusing the AWS endpoint \"http://192.0.2.1:5000\"")
            && stderr.contains("https://"),
        "{stderr}"
    );
    let w2 = World {
        dir: dir.path().to_path_buf(),
        endpoint: "http://sts.example.com".into(),
    };
    let out = w2.twofold(&["aws", "whoami"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("AWS_ENDPOINT_URL"),
        "{out:?}"
    );
    assert_eq!(w.credentials(), before);
}
