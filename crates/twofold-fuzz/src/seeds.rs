//! Seed inputs, built in code from valid samples: our own exporters' output, payloads we encode,
//! and minimal files of each import format written here (never other projects' sample files).

use std::io::Write as _;

use base64::Engine as _;
use twofold_core::otp::uri::OtpUri;
use twofold_core::transfer::{export, google};
use twofold_core::vault::{Account, AccountId};

/// A few valid `otpauth://` URIs covering each kind and parameter.
pub const URIS: &[&str] = &[
    "otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    "otpauth://hotp/Corp:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Corp&counter=42&digits=8&algorithm=SHA256",
    "otpauth://totp/carol?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512&digits=7&period=60",
    "otpauth://steam/Steam:gamer?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
    "otpauth://totp/%E2%9C%93:d%C3%A9ja?secret=jbsw%20y3dp%20ehpk%203pxp&issuer=%E2%9C%93",
];

/// The accounts behind [`URIS`].
pub fn uris() -> Vec<OtpUri> {
    URIS.iter().filter_map(|u| OtpUri::parse(u).ok()).collect()
}

/// The same accounts as vault accounts, for our exporters.
pub fn accounts() -> Vec<Account> {
    uris()
        .into_iter()
        .enumerate()
        .map(|(i, u)| Account {
            id: AccountId(format!("id-{i}")),
            name: format!("{}:{}", u.issuer, u.account),
            issuer: u.issuer,
            account: u.account,
            otp: u.otp,
            tags: vec!["Work".into()],
            created: 1_700_000_000,
            last_used: None,
            aws: None,
            meta: Default::default(),
        })
        .collect()
}

/// Google Authenticator migration payloads we encode, as raw protobuf.
pub fn google_payloads() -> Vec<Vec<u8>> {
    let all = uris();
    vec![
        google::to_payload(&all, 1, 0, 7).to_vec(),
        google::to_payload(&all[..1], 2, 1, -1).to_vec(),
        google::to_payload(&[], 1, 0, 0).to_vec(),
    ]
}

/// The same payloads as `otpauth-migration://` URIs.
pub fn google_uris() -> Vec<String> {
    let all = uris();
    vec![
        google::to_uri(&all, 1, 0, 7).to_string(),
        google::to_uri(&all[1..2], 2, 1, 3).to_string(),
    ]
}

/// A zip of `members` (stored, or sealed with WinZip AES-256 under `password`).
pub fn zip(members: &[(&str, &[u8])], password: Option<&str>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let opts = match password {
            Some(p) => opts.with_aes_encryption(zip::AesMode::Aes256, p),
            None => opts,
        };
        let _ = w.start_file(*name, opts);
        let _ = w.write_all(bytes);
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

/// TOTP Authenticator's backup: AES-256-CBC under SHA-256 of `password`, zero IV, base64.
pub fn totp_authenticator(accounts_json: &str, password: &str) -> Vec<u8> {
    use cbc::cipher::{block_padding::Pkcs7, BlockEncryptMut as _, KeyIvInit as _};
    use sha2::Digest as _;
    let plain =
        serde_json::to_vec(&serde_json::json!({ accounts_json: "1700000000" })).unwrap_or_default();
    let key = <[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes()));
    let ct = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &[0u8; 16].into())
        .encrypt_padded_vec_mut::<Pkcs7>(&plain);
    base64::engine::general_purpose::STANDARD
        .encode(ct)
        .into_bytes()
}

const TWOFAS: &str = r#"{"schemaVersion":4,"appOrigin":"android","updatedAt":1,"groups":[{"id":"g1","name":"Work"}],"services":[
{"name":"ACME","secret":"JBSWY3DPEHPK3PXP","groupId":"g1","otp":{"label":"ACME:alice","account":"alice","issuer":"ACME","digits":8,"period":60,"algorithm":"SHA256","counter":0,"tokenType":"TOTP"}},
{"name":"Counter","secret":"GEZDGNBVGY3TQOJQ","otp":{"account":"dave","digits":7,"algorithm":"SHA512","counter":42,"tokenType":"HOTP"}},
{"name":"Link","secret":"JBSWY3DPEHPK3PXP","otp":{"link":"otpauth://totp/B:f?secret=JBSWY3DPEHPK3PXP&issuer=B","tokenType":"STEAM","source":"Link"}}]}"#;

const TWOFAS_ENCRYPTED: &str = r#"{"schemaVersion":4,"appOrigin":"android","services":[],"servicesEncrypted":"AAAA:BBBB:CCCC","reference":"AAAA:BBBB:CCCC"}"#;

const ANDOTP: &str = r#"[
{"secret":"JBSWY3DPEHPK3PXP====","issuer":"ACME","label":"alice","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"tags":["Work"]},
{"secret":"GEZDGNBVGY3TQOJQ","issuer":"Corp","label":"Corp:bob","digits":8,"type":"HOTP","algorithm":"SHA256","counter":5,"tags":[]},
{"secret":"JBSWY3DPEHPK3PXP","label":"ACME - carol","digits":5,"type":"STEAM","algorithm":"SHA1","period":30}]"#;

const LASTPASS: &str = r#"{"deviceId":"","deviceSecret":"","localDeviceId":"x","deviceName":"Phone","version":3,"accounts":[
{"accountID":"a","issuerName":"ACME","originalIssuerName":"acme","userName":"alice","originalUserName":"a","secret":"JBSWY3DPEHPK3PXP","timeStep":30,"digits":6,"algorithm":"SHA1","isFavorite":false,"folderData":{"folderId":2,"position":0}},
{"accountID":"b","issuerName":"Corp","userName":"","secret":"gezdgnbvgy3tqojq","timeStep":60,"digits":8,"algorithm":"SHA256"}],
"folders":[{"id":2,"name":"Work","isOpened":true}]}"#;

const FREEOTP_PLUS: &str = r#"{"tokenOrder":["ACME:alice","Corp:bob"],"tokens":[
{"algo":"SHA256","counter":0,"digits":8,"issuerExt":"ACME","issuerInt":"acme","label":"alice","period":60,"secret":[72,101,108,108,111,33,-34,-83,-66,-17],"type":"TOTP"},
{"algo":"SHA1","counter":41,"digits":6,"issuerExt":"Corp","label":"bob","period":30,"secret":[1,2,3,4,5,6,7,8,9,10],"type":"HOTP"}]}"#;

const FREEOTP_XML: &str = r#"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <string name="tokenOrder">["ACME:alice"]</string>
    <string name="ACME:alice">{&quot;algo&quot;:&quot;SHA1&quot;,&quot;counter&quot;:0,&quot;digits&quot;:6,&quot;issuerExt&quot;:&quot;ACME&quot;,&quot;label&quot;:&quot;alice&quot;,&quot;period&quot;:30,&quot;secret&quot;:[72,101,108,108,111,33,-34,-83,-66,-17],&quot;type&quot;:&quot;TOTP&quot;}</string>
</map>
"#;

const PROTON: &str = r#"{"version":1,"entries":[
{"id":"1","content":{"uri":"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA256&digits=8&period=60","entry_type":"Totp","name":"alice"},"note":"work"},
{"id":"2","content":{"uri":"steam://GEZDGNBVGY3TQOJQ","entry_type":"Steam","name":"gamer"},"note":null}]}"#;

const PROTON_ENCRYPTED: &str = r#"{"version":1,"salt":"c2FsdHNhbHRzYWx0c2FsdA==","content":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;

const BITWARDEN: &str = r#"{"encrypted":false,"folders":[{"id":"f1","name":"Work"}],"items":[
{"type":1,"name":"ACME","folderId":"f1","login":{"username":"alice","totp":"otpauth://totp/ACME:alice%40acme.test?secret=JBSWY3DPEHPK3PXP&issuer=ACME&digits=8"}},
{"type":1,"name":"Corp","login":{"username":"bob","totp":"gezd gnbv gy3t qojq"}},
{"type":1,"name":"My Steam","login":{"username":null,"totp":"steam://JBSWY3DPEHPK3PXP"}}]}"#;

const BITWARDEN_ENCRYPTED: &str = r#"{"encrypted":true,"passwordProtected":true,"salt":"c2FsdA==","kdfType":0,"kdfIterations":600000,"encKeyValidation_DO_NOT_EDIT":"2.AAAA|BBBB|CCCC","data":"2.AAAA|BBBB|CCCC"}"#;

const BITWARDEN_CSV: &str = "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\nWork,,login,ACME,,,0,https://acme.test,alice,pw,JBSWY3DPEHPK3PXP\n";

const AUTHPRO: &str = r#"{"Authenticators":[
{"Type":2,"Icon":null,"Issuer":"ACME","Username":"alice","Secret":"JBSWY3DPEHPK3PXP","Pin":null,"Algorithm":1,"Digits":8,"Period":60,"Counter":0,"Ranking":0},
{"Type":1,"Issuer":"Corp","Username":null,"Secret":"GEZDGNBVGY3TQOJQ","Algorithm":2,"Digits":7,"Period":30,"Counter":42},
{"Type":3,"Issuer":"Old","Username":"bob","Secret":"0123456789abcdef","Pin":"1234","Algorithm":0,"Digits":6,"Period":10,"Counter":0}],
"Categories":[{"Id":"c1","Name":"Work","Ranking":0}],
"AuthenticatorCategories":[{"CategoryId":"c1","AuthenticatorSecret":"JBSWY3DPEHPK3PXP","Ranking":0}],"CustomIcons":[]}"#;

const ENTE: &str = r#"{"version":1,"kdfParams":{"memLimit":65536,"opsLimit":1,"salt":"c2FsdHNhbHRzYWx0c2FsdA=="},"encryptedData":"AAAAAAAAAAAAAAAAAAAAAAAAAAAA","encryptionNonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;

const AEGIS_ENCRYPTED: &str = r#"{"version":1,"header":{"slots":[{"type":1,"uuid":"01234567-89ab-cdef-0123-456789abcdef","key":"00","key_params":{"nonce":"000000000000000000000000","tag":"00000000000000000000000000000000"},"n":1024,"r":8,"p":1,"salt":"00"}],"params":{"nonce":"000000000000000000000000","tag":"00000000000000000000000000000000"}},"db":"AAAA"}"#;

const PROTON_PASS: &str = r#"{"version":"1.21.2","userId":"u","encrypted":false,"vaults":{"v1":{"name":"Personal","description":"","items":[
{"itemId":"i1","shareId":"v1","state":1,"data":{"metadata":{"name":"ACME","note":""},"type":"login","content":{"itemEmail":"alice@acme.test","itemUsername":"","password":"x","urls":[],"totpUri":"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME"},"extraFields":[{"fieldName":"2fa","type":"totp","data":{"totpUri":"JBSWY3DPEHPK3PXP"}}]}}]}}}"#;

const PROTON_PASS_CSV: &str = "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault\nlogin,ACME,,alice@acme.test,,pw,,otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP,1,1,Personal\n";

const RAIVO: &str = r#"[{"issuer":"ACME","account":"alice","secret":"JBSWY3DPEHPK3PXP","algorithm":"SHA1","digits":"6","kind":"TOTP","timer":"30","counter":"0","iconType":"","iconValue":""},
{"issuer":"Corp","account":"bob","secret":"GEZDGNBVGY3TQOJQ","algorithm":"SHA256","digits":"8","kind":"HOTP","timer":"30","counter":"7"}]"#;

const TOTP_AUTH_ACCOUNTS: &str = r#"[{"issuer":"ACME","name":"alice","key":"48656C6C6F21DEADBEEF","base":16,"digits":"6","period":"30"},
{"issuer":"Corp","name":"bob","key":"JBSWY3DPEHPK3PXP","base":32,"digits":"8","period":"60"},
{"issuer":"Web","name":"carol","key":"SGVsbG8h3q2+7w==","base":"64","digits":"7","period":"20"}]"#;

/// One seed file of each import format (several for some), each with the password that opens
/// it when it is encrypted.
pub fn import_files() -> Vec<(Vec<u8>, Option<&'static str>)> {
    let list = URIS.join("\n");
    let mut out: Vec<(Vec<u8>, Option<&'static str>)> = vec![
        (list.clone().into_bytes(), None),
        (google_uris().join("\n").into_bytes(), None),
        (TWOFAS.into(), None),
        (TWOFAS_ENCRYPTED.into(), Some("s3cret")),
        (ANDOTP.into(), None),
        (LASTPASS.into(), None),
        (FREEOTP_PLUS.into(), None),
        (FREEOTP_XML.into(), None),
        (PROTON.into(), None),
        (PROTON_ENCRYPTED.into(), Some("s3cret")),
        (BITWARDEN.into(), None),
        (BITWARDEN_ENCRYPTED.into(), Some("s3cret")),
        (BITWARDEN_CSV.into(), None),
        (AUTHPRO.into(), None),
        (ENTE.into(), Some("s3cret")),
        (AEGIS_ENCRYPTED.into(), Some("s3cret")),
        (PROTON_PASS.into(), None),
        (PROTON_PASS_CSV.into(), None),
        (
            b"-----BEGIN PGP MESSAGE-----\n\nwcBMA0\n-----END PGP MESSAGE-----\n".to_vec(),
            None,
        ),
        (
            zip(&[("Proton Pass/data.json", PROTON_PASS.as_bytes())], None),
            None,
        ),
        (
            zip(
                &[("raivo-otp-export.json", RAIVO.as_bytes())],
                Some("s3cret"),
            ),
            Some("s3cret"),
        ),
        (
            zip(&[("raivo-otp-export.json", RAIVO.as_bytes())], None),
            None,
        ),
        (
            zip(&[("winauth-2024-01-01.txt", list.as_bytes())], None),
            None,
        ),
        (zip(&[("Accounts.txt", list.as_bytes())], None), None),
        (
            zip(&[("Accounts.txt", list.as_bytes())], Some("s3cret")),
            Some("s3cret"),
        ),
        (
            totp_authenticator(TOTP_AUTH_ACCOUNTS, "TotpAuthenticator"),
            Some("TotpAuthenticator"),
        ),
        (
            totp_authenticator(TOTP_AUTH_ACCOUNTS, "s3cret"),
            Some("s3cret"),
        ),
        // An andOTP `.json.aes`: iterations, salt, nonce, then ciphertext and tag.
        (
            [&[0, 0, 0, 1][..], &[7; 12], &[9; 12], &[1; 40]].concat(),
            Some("s3cret"),
        ),
        // FreeOTP 2's Java serialization magic with a HashMap class name.
        (
            [
                &[0xac, 0xed, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11][..],
                b"java.util.HashMap",
                &[
                    0x05, 0x07, 0xda, 0xc1, 0xc3, 0x16, 0x60, 0xd1, 0x03, 0x00, 0x02, 0x46,
                ],
            ]
            .concat(),
            Some("s3cret"),
        ),
    ];
    // Our own exporters: Aegis's plain JSON, the URI list, the HTML page.
    let accounts = accounts();
    for format in [
        export::Format::AegisPlain,
        export::Format::UriList,
        export::Format::Html,
    ] {
        if let Ok(bytes) = export::render(&accounts, format, None) {
            out.push((bytes.to_vec(), None));
        }
    }
    // Aegis's encrypted form, as our exporter seals it (scrypt at Aegis's cost, once).
    if let Ok(bytes) = export::render(&accounts, export::Format::Aegis, Some("s3cret")) {
        out.push((bytes.to_vec(), Some("s3cret")));
    }
    out
}

/// A Twofold backup sealed by our exporter under `s3cret` (Argon2id at the default cost: made
/// once per process).
pub fn backup() -> Option<Vec<u8>> {
    static BACKUP: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    BACKUP
        .get_or_init(|| {
            export::render(&accounts(), export::Format::Twofold, Some("s3cret"))
                .ok()
                .map(|b| b.to_vec())
        })
        .clone()
}
