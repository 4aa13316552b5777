#!/usr/bin/env bash
# Regenerates the CMS test PKI (test keys only — never used outside tests).
# root → intermediate → signer (JPKI-profile SAN otherNames, spec/jpki-card.md §11), plus
# variants for policy checks (RSA-1024 key, no signing key usage, EC P-256) and an unrelated root.
set -euo pipefail
cd "$(dirname "$0")"
export LC_ALL=C.UTF-8
rm -f *.pem *.der *.srl
key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1.key.pem" 2>/dev/null; }

cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
certificatePolicies = 1.2.392.200149.8.5.1.1.20
subjectAltName = @jpki
[jpki]
otherName.0 = 1.2.392.200149.8.5.5.1;FORMAT:UTF8,UTF8:山田 太郎
otherName.1 = 1.2.392.200149.8.5.5.2;FORMAT:UTF8,UTF8:山田 〓郎
otherName.2 = 1.2.392.200149.8.5.5.3;FORMAT:UTF8,UTF8:1
otherName.3 = 1.2.392.200149.8.5.5.4;FORMAT:UTF8,UTF8:419900101
otherName.4 = 1.2.392.200149.8.5.5.5;FORMAT:UTF8,UTF8:東京都千代田区霞が関2-1-2
otherName.5 = 1.2.392.200149.8.5.5.6;FORMAT:UTF8,UTF8:東京都千代田区霞が関2-1-2
[plain]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[nokeyusage]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

key root 2048
openssl req -x509 -new -key root.key.pem -sha256 -days 7300 -subj "/C=JP/O=shomei test/CN=Test Root CA" \
  -config /dev/null -extensions ca -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "subjectKeyIdentifier=hash" -out root.pem 2>/dev/null \
  || openssl req -x509 -new -key root.key.pem -sha256 -days 7300 -subj "/C=JP/O=shomei test/CN=Test Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem
key other-root 2048
openssl req -x509 -new -key other-root.key.pem -sha256 -days 7300 -subj "/C=JP/O=shomei test/CN=Unrelated Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out other-root.pem

issue() { # name subject issuer ext
  openssl req -new -key "$1.key.pem" -subj "$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key.pem" -CAcreateserial -sha256 -days 7000 \
    -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}
key intermediate 2048; issue intermediate "/C=JP/O=shomei test/CN=Test Intermediate CA" root ca
key signer 2048;       issue signer "/C=JP/O=shomei test/CN=Yamada Taro" intermediate signer
key weak 1024;         issue weak "/C=JP/O=shomei test/CN=Weak Key" intermediate plain
key nokeyusage 2048;   issue nokeyusage "/C=JP/O=shomei test/CN=No Signing Usage" intermediate nokeyusage
key tsa 2048;          issue tsa "/C=JP/O=shomei test/CN=Test TSA" intermediate tsa
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key.pem
issue ec "/C=JP/O=shomei test/CN=EC Signer" intermediate plain
rm -f *.srl
# A certificate that copies the signer's subject, issuer and serial onto another key ("swapped").
openssl req -new -key nokeyusage.key.pem -subj "/C=JP/O=shomei test/CN=Yamada Taro" -out swapped.csr 2>/dev/null
openssl x509 -req -in swapped.csr -CA intermediate.pem -CAkey intermediate.key.pem -sha256 -days 7000 \
  -set_serial "0x$(openssl x509 -in signer.pem -noout -serial | cut -d= -f2)" \
  -extfile ext.cnf -extensions signer -out swapped.pem 2>/dev/null
rm -f swapped.csr
openssl x509 -in swapped.pem -outform DER -out swapped.der

for n in root other-root intermediate signer weak nokeyusage ec tsa; do
  openssl x509 -in "$n.pem" -outform DER -out "$n.der"
  openssl pkcs8 -topk8 -nocrypt -in "$n.key.pem" -outform DER -out "$n.key.der"
done

# CRLs (RFC 5280 §5): empty ones from root and intermediate, and one from the intermediate revoking signer.
crl() { # issuer out [cert-to-revoke]
  d=$(mktemp -d); touch "$d/index.txt"; echo 1000 > "$d/crlnumber"
  cat > "$d/ca.cnf" <<CNF
[ca]
default_ca = x
[x]
database = $d/index.txt
crlnumber = $d/crlnumber
default_md = sha256
default_crl_days = 7000
CNF
  if [ -n "${3:-}" ]; then
    openssl ca -config "$d/ca.cnf" -cert "$1.pem" -keyfile "$1.key.pem" -revoke "$3.pem" -crl_reason keyCompromise 2>/dev/null
  fi
  openssl ca -config "$d/ca.cnf" -cert "$1.pem" -keyfile "$1.key.pem" -gencrl -out "$d/crl.pem" 2>/dev/null
  openssl crl -in "$d/crl.pem" -outform DER -out "$2"
  rm -rf "$d"
}
crl root root.crl.der
crl intermediate intermediate.crl.der
crl intermediate intermediate-revoked.crl.der signer
