// Settings → Security. The access token lives only in this closure; the refresh token is an HttpOnly
// cookie (Path=/api/v1/auth) that script never sees. Every cookie request carries X-Requested-With.
"use strict";
(() => {
  const API = "/api/v1";
  const SCOPES = ["bookmarks:read", "bookmarks:write", "tags:read", "tags:write", "groups:read", "groups:write",
    "search:read", "import", "export", "destructive"];
  let accessToken = null;
  let sessionId = null;
  let refreshTimer = null;
  let twoFactorOn = false;
  let activityCursor = null;

  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  };
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : "never");

  function say(message, isError = false) {
    const status = $("status");
    status.textContent = message;
    status.classList.toggle("error", isError);
  }

  class ApiError extends Error {
    constructor(problem) {
      super(problem.detail || problem.title || "Request failed");
      this.code = problem.code;
      this.status = problem.status;
    }
  }

  async function call(method, path, body, { auth = true, retry = true } = {}) {
    const headers = { "X-Requested-With": "bkmark-security-page" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth && accessToken) headers.Authorization = "Bearer " + accessToken;
    const response = await fetch(API + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin", cache: "no-store",
    });
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    if (auth && retry && response.status === 401 && data.code === "TOKEN_EXPIRED" && await refresh()) {
      return call(method, path, body, { auth, retry: false });
    }
    // A sensitive change on an old sign-in (RFC 9470 step-up): confirm it's you, then try once more.
    if (auth && retry && response.status === 403 && data.code === "REAUTHENTICATION_REQUIRED" && await reauthenticate()) {
      return call(method, path, body, { auth, retry: false });
    }
    throw new ApiError({ status: response.status, ...data });
  }

  function acceptTokens(tokens) {
    accessToken = tokens.accessToken;
    sessionId = tokens.sessionId;
    clearTimeout(refreshTimer);
    // Refresh a minute before the access token expires.
    refreshTimer = setTimeout(refresh, Math.max(10, tokens.expiresIn - 60) * 1000);
  }

  async function refresh() {
    try {
      acceptTokens(await call("POST", "/auth/refresh", {}, { auth: false }));
      return true;
    } catch {
      signedOut();
      return false;
    }
  }

  function signedOut() {
    accessToken = null;
    sessionId = null;
    clearTimeout(refreshTimer);
    $("signed-in").hidden = true;
    $("account").hidden = true;
    $("signed-out").hidden = false;
  }

  async function signedIn() {
    $("signed-out").hidden = true;
    $("signed-in").hidden = false;
    $("account").hidden = false;
    $("two-factor-step").hidden = true;
    $("sign-in-form").reset();
    await loadAccount();
    // Each section loads on its own: one failing leaves the others usable.
    await Promise.all([loadTwoFactor, loadPasskeys, loadSessions, loadApiKeys, loadActivity].map((load) => action(load, false)()));
  }

  // Runs an action from a button or form, reporting failures in the status line. A change shows up in the
  // activity panel at once.
  function action(fn, showsInActivity = true) {
    return async (event) => {
      event?.preventDefault?.();
      try {
        await fn(event);
        if (showsInActivity && accessToken) await loadActivity();
      } catch (error) {
        say(error.message || String(error), true);
      }
    };
  }

  function confirmAction(text) {
    const dialog = $("confirm-dialog");
    $("confirm-text").textContent = text;
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true }));
  }

  // --- WebAuthn JSON: byte fields are base64url, as Fido2's ToJson writes them and reads them back.
  const toBytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  const toText = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const withoutNulls = (value) => JSON.parse(JSON.stringify(value, (_, v) => (v === null ? undefined : v)));
  const descriptors = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

  function creationOptions(json) {
    const o = withoutNulls(json);
    return { ...o, challenge: toBytes(o.challenge), user: { ...o.user, id: toBytes(o.user.id) }, excludeCredentials: descriptors(o.excludeCredentials) };
  }

  function requestOptions(json) {
    const o = withoutNulls(json);
    return { ...o, challenge: toBytes(o.challenge), allowCredentials: descriptors(o.allowCredentials) };
  }

  function credentialJson(credential) {
    const r = credential.response;
    const response = r.attestationObject
      ? { attestationObject: toText(r.attestationObject), clientDataJSON: toText(r.clientDataJSON), transports: r.getTransports ? r.getTransports() : [] }
      : { authenticatorData: toText(r.authenticatorData), clientDataJSON: toText(r.clientDataJSON), signature: toText(r.signature),
          userHandle: r.userHandle ? toText(r.userHandle) : null };
    return { id: credential.id, rawId: toText(credential.rawId), type: credential.type, response,
      clientExtensionResults: credential.getClientExtensionResults() };
  }

  // --- Re-authentication (step-up): resolves true once the session has a fresh sign-in, false if cancelled.
  function reauthenticate() {
    const dialog = $("reauth-dialog");
    $("reauth-form").reset();
    $("reauth-error").textContent = "";
    $("reauth-code-field").hidden = !twoFactorOn;
    dialog.showModal();
    $("reauth-password").focus();
    return new Promise((resolve) => {
      const listeners = [];
      const on = (target, type, handler) => { target.addEventListener(type, handler); listeners.push([target, type, handler]); };
      const finish = (done) => {
        listeners.forEach(([target, type, handler]) => target.removeEventListener(type, handler));
        if (dialog.open) dialog.close();
        resolve(done);
      };
      const prove = async (body) => {
        try {
          // The refresh token rotates: the successor comes back in the HttpOnly cookie.
          acceptTokens(await call("POST", "/auth/reauthenticate", { ...body, refreshTokenDelivery: "cookie" }));
          finish(true);
        } catch (error) {
          if (error.code === "TWO_FACTOR_REQUIRED") {
            $("reauth-code-field").hidden = false;
            $("reauth-code").focus();
          }
          $("reauth-error").textContent = error.message || String(error);
        }
      };
      on($("reauth-form"), "submit", (event) => {
        event.preventDefault();
        const body = { password: $("reauth-password").value };
        const code = $("reauth-code").value.trim();
        if (code) body.twoFactorCode = code;
        prove(body);
      });
      on($("reauth-passkey"), "click", async () => {
        try {
          const start = await call("POST", "/auth/passkeys/options", undefined, { auth: false });
          const credential = await navigator.credentials.get({ publicKey: requestOptions(start.options) });
          await prove({ challengeId: start.challengeId, credential: credentialJson(credential) });
        } catch (error) {
          $("reauth-error").textContent = error.message || String(error);
        }
      });
      on($("reauth-cancel"), "click", () => finish(false));
      on(dialog, "cancel", () => finish(false));
    });
  }

  // --- Signing in and out
  $("sign-in-form").addEventListener("submit", action(async () => {
    const body = { email: $("sign-in-email").value, password: $("sign-in-password").value, refreshTokenDelivery: "cookie" };
    if (!$("two-factor-step").hidden) body.twoFactorCode = $("sign-in-code").value.trim();
    try {
      acceptTokens(await call("POST", "/auth/login", body, { auth: false }));
    } catch (error) {
      if (error.code === "TWO_FACTOR_REQUIRED") {
        $("two-factor-step").hidden = false;
        $("sign-in-code").focus();
        say("Enter the code from your authenticator app.");
        return;
      }
      throw error;
    }
    say("Signed in.");
    await signedIn();
  }));

  $("passkey-sign-in").addEventListener("click", action(async () => {
    const start = await call("POST", "/auth/passkeys/options", undefined, { auth: false });
    const credential = await navigator.credentials.get({ publicKey: requestOptions(start.options) });
    acceptTokens(await call("POST", "/auth/passkeys/login",
      { challengeId: start.challengeId, credential: credentialJson(credential), refreshTokenDelivery: "cookie" }, { auth: false }));
    say("Signed in with a passkey.");
    await signedIn();
  }));

  $("register-form").addEventListener("submit", action(async () => {
    const email = $("register-email").value;
    await call("POST", "/auth/register", { email, password: $("register-password").value }, { auth: false });
    $("register-form").reset();
    $("sign-in-email").value = email;
    $("sign-in-password").focus();
    say("Account created. Sign in with your email and password.");
  }));

  $("sign-out").addEventListener("click", action(async () => {
    await call("POST", "/auth/logout");
    signedOut();
    say("Signed out.");
  }));

  // --- Account: email confirmation, password, email address, deletion
  let accountEmail = "";

  async function loadAccount() {
    const me = await call("GET", "/me");
    accountEmail = me.email;
    $("account-email").textContent = me.email;
    $("account-unverified").hidden = me.emailVerified;
    $("verify-banner").hidden = me.emailVerified;
    $("verify-banner-email").textContent = me.email;
  }

  $("verify-resend").addEventListener("click", action(async () => {
    await call("POST", "/me/email/verification");
    say(`A new link is on its way to ${accountEmail}.`);
  }, false));

  $("password-form").addEventListener("submit", action(async () => {
    await call("POST", "/me/password", { currentPassword: $("password-current").value, newPassword: $("password-new").value });
    $("password-form").reset();
    say("Password changed. Every other session was signed out.");
    await loadSessions();
  }));

  $("email-form").addEventListener("submit", action(async () => {
    const newEmail = $("email-new").value;
    await call("POST", "/me/email", { newEmail, password: $("email-password").value });
    $("email-form").reset();
    say(`Follow the link we sent to ${newEmail} to finish the change.`);
  }, false));

  $("delete-form").addEventListener("submit", action(async () => {
    if ($("delete-confirm").value.trim().toLowerCase() !== accountEmail) {
      say("Type your account's email address exactly to confirm.", true);
      return;
    }
    if (!await confirmAction("Delete your account for good? This cannot be undone.")) return;
    await call("DELETE", "/me", { password: $("delete-password").value });
    $("delete-form").reset();
    signedOut();
    say("Your account was deleted. A last email confirms it.");
  }, false));

  // --- Forgotten password
  $("forgot-password").addEventListener("click", () => {
    $("forgot-form").hidden = false;
    $("forgot-email").value = $("sign-in-email").value;
    $("forgot-email").focus();
  });

  $("forgot-form").addEventListener("submit", action(async () => {
    const email = $("forgot-email").value;
    await call("POST", "/auth/password-reset", { email }, { auth: false });
    $("forgot-form").hidden = true;
    say(`If an account uses ${email}, an email with a reset link is on its way. The link works for 30 minutes.`);
  }, false));

  // --- Links from emails: #action=…&token=… (or the same in the query). The token is read once and removed
  // from the address bar, so it is not left in history, bookmarks or a shared screen.
  function takeLink() {
    const params = new URLSearchParams(location.hash.slice(1));
    const query = new URLSearchParams(location.search);
    const link = { action: params.get("action") || query.get("action"), token: params.get("token") || query.get("token") };
    if (link.token) history.replaceState(null, "", location.pathname);
    return link.token ? link : null;
  }

  // The reset link's token, held only until the new password is set.
  let resetToken = null;

  function startReset(token) {
    resetToken = token;
    $("reset-section").hidden = false;
    $("reset-password").focus();
  }

  $("reset-form").addEventListener("submit", action(async () => {
    const body = { token: resetToken, newPassword: $("reset-password").value };
    const code = $("reset-code").value.trim();
    if (code) body.twoFactorCode = code;
    try {
      await call("POST", "/auth/password-reset/complete", body, { auth: false });
    } catch (error) {
      if (error.code === "TWO_FACTOR_REQUIRED") {
        $("reset-code-field").hidden = false;
        $("reset-code").focus();
        say("Two-factor authentication is on: enter a code to finish.");
        return;
      }
      throw error;
    }
    resetToken = null;
    $("reset-section").hidden = true;
    $("reset-form").reset();
    say("Password changed, and every session signed out. Sign in with your new password.");
    $("sign-in-password").focus();
  }, false));

  async function followLink(link) {
    if (link.action === "reset-password") {
      startReset(link.token);
    } else if (link.action === "verify-email") {
      await call("POST", "/auth/email/verify", { token: link.token }, { auth: false });
      say("Your email address is confirmed.");
    } else if (link.action === "confirm-email-change") {
      const changed = await call("POST", "/auth/email/confirm-change", { token: link.token }, { auth: false });
      say(`Your account now uses ${changed.email}.`);
    }
  }

  // --- Two-factor
  async function loadTwoFactor() {
    const state = await call("GET", "/me/two-factor");
    $("two-factor-state").textContent = state.enabled
      ? `On since ${when(state.enabledAt)}. Backup codes left: ${state.backupCodesRemaining}.`
      : "Off. Add an authenticator app so a password alone cannot sign in.";
    twoFactorOn = state.enabled;
    $("two-factor-setup").hidden = state.enabled;
    $("two-factor-manage-form").hidden = !state.enabled;
    if (state.enabled) $("two-factor-enroll").hidden = true;
  }

  $("two-factor-setup").addEventListener("click", action(async () => {
    const setup = await call("POST", "/me/two-factor/totp/setup");
    $("two-factor-qr").src = "data:image/svg+xml;base64," + btoa(setup.qrCodeSvg);
    $("two-factor-secret").textContent = setup.secret;
    $("two-factor-enroll").hidden = false;
    $("backup-codes").hidden = true;
    $("two-factor-enable-code").focus();
  }));

  function showBackupCodes(codes) {
    $("backup-code-list").replaceChildren(...codes.map((code) => el("li", { textContent: code })));
    $("backup-codes").hidden = false;
  }

  $("two-factor-enable-form").addEventListener("submit", action(async () => {
    const result = await call("POST", "/me/two-factor/totp/enable", { code: $("two-factor-enable-code").value.trim() });
    $("two-factor-enable-form").reset();
    showBackupCodes(result.backupCodes);
    say("Two-factor authentication is on.");
    await loadTwoFactor();
  }));

  $("two-factor-manage-form").addEventListener("submit", action(async (event) => {
    const code = $("two-factor-manage-code").value.trim();
    if (event.submitter?.value === "disable") {
      if (!await confirmAction("Turn off two-factor authentication? Your backup codes stop working.")) return;
      await call("POST", "/me/two-factor/totp/disable", { code });
      $("backup-codes").hidden = true;
      say("Two-factor authentication is off.");
    } else {
      showBackupCodes((await call("POST", "/me/two-factor/backup-codes", { code })).backupCodes);
      say("New backup codes made; the old ones no longer work.");
    }
    $("two-factor-manage-form").reset();
    await loadTwoFactor();
  }));

  // --- Passkeys
  async function loadPasskeys() {
    const { data } = await call("GET", "/me/passkeys");
    $("passkey-list").replaceChildren(...(data.length ? data.map(passkeyItem) : [el("li", { textContent: "No passkeys yet." })]));
  }

  function passkeyItem(passkey) {
    const rename = el("button", { type: "button", className: "secondary", textContent: "Rename" });
    const remove = el("button", { type: "button", className: "danger", textContent: "Remove" });
    rename.setAttribute("aria-label", `Rename passkey ${passkey.name}`);
    remove.setAttribute("aria-label", `Remove passkey ${passkey.name}`);
    const item = el("li", {},
      el("strong", { textContent: passkey.name }),
      el("span", { className: "meta", textContent: `Added ${when(passkey.createdAt)} · last used ${when(passkey.lastUsedAt)}${passkey.backedUp ? " · synced" : ""}` }),
      rename, remove);
    rename.addEventListener("click", () => {
      const input = el("input", { value: passkey.name, maxLength: 100, required: true, id: `rename-${passkey.id}` });
      const form = el("form", {}, el("label", { htmlFor: input.id, textContent: "New name" }), input,
        el("button", { type: "submit", textContent: "Save" }));
      form.addEventListener("submit", action(async () => {
        await call("PATCH", `/me/passkeys/${passkey.id}`, { name: input.value });
        say("Passkey renamed.");
        await loadPasskeys();
      }));
      item.replaceChildren(form);
      input.focus();
    });
    remove.addEventListener("click", action(async () => {
      if (!await confirmAction(`Remove the passkey "${passkey.name}"? You can no longer sign in with it.`)) return;
      await call("DELETE", `/me/passkeys/${passkey.id}`);
      say("Passkey removed.");
      await loadPasskeys();
    }));
    return item;
  }

  $("passkey-add").addEventListener("click", action(async () => {
    const start = await call("POST", "/me/passkeys/options");
    const credential = await navigator.credentials.create({ publicKey: creationOptions(start.options) });
    const passkey = await call("POST", "/me/passkeys", { challengeId: start.challengeId, credential: credentialJson(credential) });
    say(`Passkey "${passkey.name}" added.`);
    await loadPasskeys();
  }));

  // --- Sessions
  function browserOf(userAgent) {
    if (!userAgent) return "Unknown browser";
    const browser = /Edg\//.test(userAgent) ? "Edge" : /Firefox\//.test(userAgent) ? "Firefox"
      : /Chrome\/|Chromium\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : null;
    const system = /iPhone|iPad/.test(userAgent) ? "iOS" : /Android/.test(userAgent) ? "Android" : /Mac OS X/.test(userAgent) ? "macOS"
      : /Windows/.test(userAgent) ? "Windows" : /Linux/.test(userAgent) ? "Linux" : null;
    return browser && system ? `${browser} on ${system}` : browser || system || userAgent.slice(0, 60);
  }

  async function loadSessions() {
    const { data } = await call("GET", "/me/sessions");
    $("session-list").replaceChildren(...data.map((session) => {
      const item = el("li", {},
        el("strong", { textContent: browserOf(session.userAgent) }),
        session.current ? el("span", { className: "badge", textContent: "This device" }) : null,
        el("span", { className: "meta", textContent: `${session.ipAddress || "unknown address"} · signed in with ${session.authMethod} · last active ${when(session.lastActiveAt)}` }));
      if (!session.current) {
        const revoke = el("button", { type: "button", className: "danger", textContent: "Sign out" });
        revoke.setAttribute("aria-label", `Sign out session ${browserOf(session.userAgent)} from ${session.ipAddress || "unknown address"}`);
        revoke.addEventListener("click", action(async () => {
          await call("DELETE", `/me/sessions/${session.id}`);
          say("Session signed out.");
          await loadSessions();
        }));
        item.append(revoke);
      }
      return item;
    }));
  }

  $("sessions-revoke-others").addEventListener("click", action(async () => {
    if (!await confirmAction("Sign out every other session?")) return;
    const { revoked } = await call("POST", "/me/sessions/revoke-others");
    say(`${revoked} other session${revoked === 1 ? "" : "s"} signed out.`);
    await loadSessions();
  }));

  // --- API keys
  function scopeBoxes(container, prefix, checked) {
    container.replaceChildren(...SCOPES.map((scope) => {
      const box = el("input", { type: "checkbox", value: scope, id: `${prefix}-${scope.replace(":", "-")}`, defaultChecked: checked.includes(scope) });
      return el("label", { htmlFor: box.id }, box, scope);
    }));
  }
  const checkedScopes = (container) => [...container.querySelectorAll("input:checked")].map((box) => box.value);

  async function loadApiKeys() {
    const { data } = await call("GET", "/api-keys");
    $("api-key-list").replaceChildren(...(data.length ? data.map(apiKeyItem) : [el("li", { textContent: "No API keys." })]));
  }

  function apiKeyItem(key) {
    const edit = el("button", { type: "button", className: "secondary", textContent: "Edit" });
    const revoke = el("button", { type: "button", className: "danger", textContent: "Revoke" });
    edit.setAttribute("aria-label", `Edit API key ${key.name}`);
    revoke.setAttribute("aria-label", `Revoke API key ${key.name}`);
    const item = el("li", {},
      el("strong", { textContent: key.name }), " ", el("code", { textContent: key.keyPrefix + "…" }),
      el("span", { className: "meta", textContent: `${key.scopes.join(", ")} · last used ${when(key.lastUsedAt)}${key.expiresAt ? ` · expires ${when(key.expiresAt)}` : ""}` }),
      edit, revoke);
    edit.addEventListener("click", () => {
      const name = el("input", { value: key.name, maxLength: 100, required: true, id: `edit-${key.id}` });
      const scopes = el("div", { className: "scopes" });
      scopeBoxes(scopes, `edit-${key.id}`, key.scopes);
      const form = el("form", {}, el("label", { htmlFor: name.id, textContent: "Name" }), name,
        el("fieldset", {}, el("legend", { textContent: "Scopes" }), scopes), el("button", { type: "submit", textContent: "Save" }));
      form.addEventListener("submit", action(async () => {
        await call("PATCH", `/api-keys/${key.id}`, { name: name.value, scopes: checkedScopes(scopes) });
        say("API key updated.");
        await loadApiKeys();
      }));
      item.replaceChildren(form);
      name.focus();
    });
    revoke.addEventListener("click", action(async () => {
      if (!await confirmAction(`Revoke the API key "${key.name}"? Scripts using it stop working at once.`)) return;
      await call("DELETE", `/api-keys/${key.id}`);
      say("API key revoked.");
      await loadApiKeys();
    }));
    return item;
  }

  $("api-key-form").addEventListener("submit", action(async () => {
    const body = { name: $("api-key-name").value, scopes: checkedScopes($("api-key-scopes")) };
    if ($("api-key-expiry").value) body.expiresAt = new Date($("api-key-expiry").value).toISOString();
    const created = await call("POST", "/api-keys", body);
    $("api-key-value").textContent = created.key;
    $("api-key-created").hidden = false;
    $("api-key-form").reset();
    $("api-key-copy").focus();
    say("API key created.");
    await loadApiKeys();
  }));

  $("api-key-copy").addEventListener("click", action(async () => {
    await navigator.clipboard.writeText($("api-key-value").textContent);
    say("API key copied.");
  }));

  $("api-key-done").addEventListener("click", () => {
    // The key is shown once: forget it from the page too.
    $("api-key-value").textContent = "";
    $("api-key-created").hidden = true;
  });

  // --- Security activity
  const EVENT_LABELS = {
    "signin.succeeded": "Signed in",
    "signin.failed": "Failed sign-in",
    "signin.throttled": "Sign-in blocked after too many failures",
    "reauthenticated": "Confirmed it's you",
    "twofactor.enabled": "Two-factor authentication turned on",
    "twofactor.disabled": "Two-factor authentication turned off",
    "backupcodes.regenerated": "New backup codes made",
    "backupcode.used": "Backup code used",
    "passkey.added": "Passkey added",
    "passkey.renamed": "Passkey renamed",
    "passkey.removed": "Passkey removed",
    "apikey.created": "API key created",
    "apikey.updated": "API key changed",
    "apikey.revoked": "API key revoked",
    "session.revoked": "Session signed out",
    "sessions.revoked_others": "All other sessions signed out",
    "email.verified": "Email address confirmed",
    "password.changed": "Password changed",
    "password.reset": "Password reset by email",
    "email.changed": "Email address changed",
  };

  function describe(event) {
    const d = event.details || {};
    const what = EVENT_LABELS[event.type] || event.type;
    const about = d.name ? ` "${d.name}"` : d.keyPrefix ? ` ${d.keyPrefix}…` : "";
    const times = d.count > 1 ? ` (${d.count} attempts)` : "";
    return what + about + times;
  }

  async function loadActivity(more = false) {
    const query = "?limit=20" + (more && activityCursor ? "&cursor=" + encodeURIComponent(activityCursor) : "");
    const { data, nextCursor } = await call("GET", "/me/security-events" + query);
    const items = data.map((event) => el("li", {},
      el("strong", { textContent: describe(event) }),
      el("span", { className: "meta", textContent: `${when(event.occurredAt)} · ${event.ipAddress || "unknown address"} · ${browserOf(event.userAgent)}` })));
    if (more) $("activity-list").append(...items);
    else $("activity-list").replaceChildren(...(items.length ? items : [el("li", { textContent: "No activity yet." })]));
    activityCursor = nextCursor;
    $("activity-more").hidden = !nextCursor;
  }

  $("activity-more").addEventListener("click", action(() => loadActivity(true), false));

  // --- Start: a refresh cookie from an earlier visit signs straight in.
  scopeBoxes($("api-key-scopes"), "new", ["bookmarks:read"]);
  // A link pasted into the tab that is already open changes only the fragment: no reload, so follow it here.
  window.addEventListener("hashchange", () => {
    const link = takeLink();
    if (link) action(() => followLink(link), false)();
  });

  (async () => {
    const link = takeLink();
    if (link) await action(() => followLink(link), false)();
    if (await refresh()) {
      await action(signedIn)();
    }
    document.body.dataset.ready = "true";
  })();
})();
