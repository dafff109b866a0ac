/* The record page's "Verify" button: checks the record in the reader's browser, without trusting the
   server's own verdict. With WebCrypto (SHA-256, Ed25519) and nothing else it checks that
   1. the checkpoint is a C2SP signed note whose Ed25519 signature verifies with the key this browser
      saw first (kept in local storage; a changed key is an alarm);
   2. each of this document's events hashes to its recorded hash, which is in the signed tree
      (RFC 9162 inclusion proofs, §2.1.3.2);
   3. the tree extends the one this browser saw on its last visit (RFC 9162 consistency proof,
      §2.1.4.2); a smaller or rewritten tree is an alarm, and the kept checkpoint is not replaced.
   Translated messages come from the button's data-msg-* attributes. No inline script (CSP). */
(function () {
  "use strict";

  var STORE = "deliberation.record.checkpoint";
  var enc = new TextEncoder();

  function b64(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function toB64(bytes) { return btoa(String.fromCharCode.apply(null, bytes)); }
  function hex(text) {
    var out = new Uint8Array(text.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(i * 2, 2), 16);
    return out;
  }
  function toHex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function concat() {
    var total = 0, i;
    for (i = 0; i < arguments.length; i++) total += arguments[i].length;
    var out = new Uint8Array(total), at = 0;
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], at); at += arguments[i].length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  function leafHash(entry) { return sha256(concat(new Uint8Array([0]), entry)); }
  function nodeHash(l, r) { return sha256(concat(new Uint8Array([1]), l, r)); }

  /* RFC 9162 §2.1.3.2 */
  async function verifyInclusion(index, size, leaf, proof, root) {
    if (index < 0 || index >= size) return false;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(proof[i], r);
        if (fn % 2 === 0) while (fn !== 0 && fn % 2 === 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await nodeHash(r, proof[i]);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  /* RFC 9162 §2.1.4.2 */
  async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
    if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
    if (first === 0) return proof.length === 0;
    if (first > second || proof.length === 0) return false;
    var path = proof.slice();
    if ((first & (first - 1)) === 0) path.unshift(firstRoot);
    var fn = first - 1, sn = second - 1;
    while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    var fr = path[0], sr = path[0];
    for (var i = 1; i < path.length; i++) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = await nodeHash(path[i], fr); sr = await nodeHash(path[i], sr);
        if (fn % 2 === 0) while (fn !== 0 && fn % 2 === 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        sr = await nodeHash(sr, path[i]);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return equal(fr, firstRoot) && equal(sr, secondRoot) && sn === 0;
  }

  /* The event's fields as the server hashed them: JSON with sorted keys and no spaces. */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  function parseNote(text) {
    var parts = text.split("\n\n");
    var lines = parts[0].split("\n");
    if (parts.length !== 2 || lines.length < 3 || !/^\d+$/.test(lines[1])) throw new Error("malformed");
    var signatures = parts[1].split("\n").filter(Boolean);
    return { body: parts[0] + "\n", origin: lines[0], size: Number(lines[1]), root: b64(lines[2]), signatures: signatures };
  }

  function parseKey(text) {
    var first = text.indexOf("+"), second = text.indexOf("+", first + 1);
    var data = b64(text.slice(second + 1));
    return { name: text.slice(0, first), id: hex(text.slice(first + 1, second)), algorithm: data[0], raw: data.slice(1) };
  }

  async function verifyNote(note, keyText) {
    var key = parseKey(keyText);
    if (key.name !== note.origin || key.algorithm !== 1) return false;
    var expectedId = (await sha256(concat(enc.encode(key.name + "\n"), new Uint8Array([1]), key.raw))).slice(0, 4);
    if (!equal(expectedId, key.id)) return false;
    var cryptoKey = await crypto.subtle.importKey("raw", key.raw, { name: "Ed25519" }, false, ["verify"]);
    for (var i = 0; i < note.signatures.length; i++) {
      var line = note.signatures[i];
      var prefix = "\u2014 " + key.name + " ";
      if (line.indexOf(prefix) !== 0) continue;
      var blob = b64(line.slice(prefix.length));
      if (!equal(blob.slice(0, 4), key.id)) continue;
      if (await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, blob.slice(4), enc.encode(note.body))) return true;
    }
    return false;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  async function check(button) {
    var msg = button.dataset, kept = null;
    try { kept = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { kept = null; }
    var keyText = kept ? kept.key : (await (await fetch(msg.keyUrl)).json()).verifier_key;
    var url = msg.exportUrl + (kept ? "?since=" + kept.size : "");
    var response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(msg.msgUnavailable);
    var data = await response.json(), proofs = data.transparency;
    var note = parseNote(proofs.checkpoint);
    if (!(await verifyNote(note, keyText))) return { alarm: true, text: msg.msgBadSignature };
    for (var i = 0; i < data.events.length; i++) {
      var event = data.events[i], fields = Object.assign({}, event);
      delete fields.hash;
      if (toHex(await sha256(enc.encode(canonical(fields)))) !== event.hash) {
        return { alarm: true, text: fill(msg.msgBadEvent, { seq: event.seq }) };
      }
      var proof = (proofs.inclusion[String(event.seq)] || []).map(b64);
      if (!(await verifyInclusion(event.seq - 1, note.size, await leafHash(hex(event.hash)), proof, note.root))) {
        return { alarm: true, text: fill(msg.msgBadEvent, { seq: event.seq }) };
      }
    }
    var lines = [fill(msg.msgSigned, { size: note.size }), fill(msg.msgIncluded, { count: data.events.length })];
    if (kept) {
      var when = new Date(kept.seen).toLocaleString(document.documentElement.lang || undefined);
      if (note.size < kept.size) return { alarm: true, text: fill(msg.msgShrank, { old: kept.size, size: note.size, date: when }) };
      var consistency = proofs.consistency || { proof: [] };
      if (!(await verifyConsistency(kept.size, note.size, b64(kept.root), note.root, consistency.proof.map(b64)))) {
        return { alarm: true, text: fill(msg.msgRewritten, { old: kept.size, date: when }) };
      }
      lines.push(fill(msg.msgConsistent, { date: when }));
    } else {
      lines.push(msg.msgFirst);
    }
    localStorage.setItem(STORE, JSON.stringify({ key: keyText, size: note.size, root: toB64(note.root), seen: Date.now() }));
    return { alarm: false, text: lines.join(" ") };
  }

  function init() {
    var button = document.querySelector("[data-verify-record]");
    if (!button) return;
    var result = document.querySelector("[data-verify-result]");
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!window.crypto || !crypto.subtle) {
        result.textContent = button.dataset.msgNoCrypto;
        result.className = "verify-result verify-result--alarm";
        return;
      }
      button.disabled = true;
      result.className = "verify-result";
      result.textContent = button.dataset.msgChecking;
      check(button).then(function (outcome) {
        result.className = "verify-result " + (outcome.alarm ? "verify-result--alarm" : "verify-result--ok");
        result.dataset.outcome = outcome.alarm ? "alarm" : "ok";
        result.textContent = outcome.text;
      }).catch(function (error) {
        result.className = "verify-result verify-result--alarm";
        result.dataset.outcome = "alarm";
        result.textContent = button.dataset.msgUnavailable + " (" + error.message + ")";
      }).finally(function () { button.disabled = false; });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
