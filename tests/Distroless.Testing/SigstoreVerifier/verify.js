// Verifies a Sigstore bundle with Sigstore's own JavaScript verifier (@sigstore/verify), given
// a PEM public key, with no transparency log, certificate or timestamp required (thresholds 0):
// what a key-based bundle can be checked for. Whatever key hint the bundle names, the key given
// here is used, as cosign does with --key. Prints {"verified":true,"statement":{…}} and exits 0,
// or prints the verifier's error and exits 1.
//   node verify.js <bundle.json> <public.pem>
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON, assertBundleLatest, BUNDLE_V03_MEDIA_TYPE } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [bundlePath, keyPath] = process.argv.slice(2);
try {
  const json = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
  if (json.mediaType !== BUNDLE_V03_MEDIA_TYPE) {
    throw new Error(`not a v0.3 bundle: ${json.mediaType}`);
  }
  const bundle = bundleFromJSON(json);
  assertBundleLatest(bundle);
  const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath, 'utf8'));
  const trust = toTrustMaterial(
    { mediaType: '', certificateAuthorities: [], tlogs: [], ctlogs: [], timestampAuthorities: [] },
    () => ({ publicKey, validFor: () => true }));
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  const envelope = bundle.content.dsseEnvelope;
  console.log(JSON.stringify({
    verified: true,
    payloadType: envelope.payloadType,
    statement: JSON.parse(Buffer.from(envelope.payload).toString('utf8')),
  }));
} catch (e) {
  console.log(`${e.code || e.name}: ${e.message}`);
  process.exit(1);
}
