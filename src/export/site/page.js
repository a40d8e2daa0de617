"use strict";
// The live checks of a verification page: the status bit (W3C Bitstring Status List v1.0 §3.2) and a dropped
// file's SHA-256. Nothing leaves the browser but GET requests to this site; signatures are not checked here.
(() => {
  const MAX_LIST_BYTES = 4 << 20;
  const MAX_FILE_BYTES = 64 << 20;
  const $ = (id) => document.getElementById(id);
  const say = (element, kind, text) => {
    element.className = element.dataset.base + " " + kind;
    element.textContent = text;
  };
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  // Multibase "u": base64url without padding (§3.4 step 2).
  function fromBase64Url(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(b64 + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  // GZIP-decompress (§3.4 step 3), bounded.
  async function gunzip(bytes) {
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
    const parts = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_LIST_BYTES) {
        await reader.cancel();
        throw new Error("the list is too large");
      }
      parts.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  // Whether the entry's bit is set in its list, fetched from this site (§3.2 steps 5-10).
  async function bitOf(entry) {
    const response = await fetch(entry.path, { cache: "no-store", credentials: "omit" });
    if (!response.ok) throw new Error("the status list answered HTTP " + response.status);
    const list = await response.json();
    if (list.id !== entry.list) throw new Error("the site serves another list at " + entry.path);
    const subject = list.credentialSubject || {};
    if (subject.statusPurpose !== entry.purpose) throw new Error("the list's purpose is not " + entry.purpose);
    const encoded = String(subject.encodedList || "");
    if (!encoded.startsWith("u")) throw new Error("the list is not multibase base64url");
    const bits = await gunzip(fromBase64Url(encoded.slice(1)));
    const index = Number(entry.index);
    if (!/^[0-9]+$/.test(entry.index) || !Number.isSafeInteger(index) || index >= bits.length * 8) {
      throw new Error("the index is outside the list");
    }
    return ((bits[index >> 3] >> (7 - (index & 7))) & 1) === 1;
  }

  async function checkStatus(record) {
    const live = $("live");
    if (record.status.length === 0) {
      say(live, "unknown", "Could not check: this transcript was issued without a status list entry.");
      return;
    }
    try {
      let revoked = false;
      let suspended = false;
      for (const entry of record.status) {
        if (entry.purpose !== "revocation" && entry.purpose !== "suspension") {
          throw new Error("unknown status purpose " + entry.purpose);
        }
        const set = await bitOf(entry);
        if (set && entry.purpose === "revocation") revoked = true;
        if (set && entry.purpose === "suspension") suspended = true;
      }
      if (revoked) say(live, "revoked", "Revoked: the institution has revoked this transcript.");
      else if (suspended) say(live, "suspended", "Suspended: the institution has suspended this transcript.");
      else say(live, "valid", "Valid: not revoked or suspended (checked just now in the institution's status list).");
    } catch (error) {
      say(live, "unknown", "Could not check the live status: " + error.message + ".");
    }
  }

  async function checkFile(file, record) {
    const result = $("result");
    try {
      if (file.size > MAX_FILE_BYTES) throw new Error("it is larger than any issued file");
      if (!window.crypto || !crypto.subtle) throw new Error("this browser computes no SHA-256 here (serve the page over https)");
      const digest = hex(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
      const match = Object.keys(record.sha256).find((name) => record.sha256[name] === digest);
      if (match) say(result, "good", file.name + " matches the issued transcript (" + match + ", SHA-256 " + digest + ").");
      else say(result, "bad", file.name + " does not match the issued transcript: its SHA-256 is " + digest + ".");
    } catch (error) {
      say(result, "bad", "Could not check " + file.name + ": " + error.message + ".");
    }
  }

  async function main() {
    const live = $("live");
    const drop = $("drop");
    const input = $("file");
    let record;
    try {
      const response = await fetch("record.json", { cache: "no-store", credentials: "omit" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      record = await response.json();
    } catch (error) {
      say(live, "unknown", "Could not check the live status: the page's record could not be read (" + error.message + ").");
      return;
    }
    $("checker").hidden = false;
    input.addEventListener("change", () => input.files.length && checkFile(input.files[0], record));
    drop.addEventListener("dragover", (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) checkFile(files[0], record);
    });
    live.textContent = "Checking the live status…";
    await checkStatus(record);
  }

  main();
})();
