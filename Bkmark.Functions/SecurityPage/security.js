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
  let currentUserId = null;

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
      this.problem = problem;
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
    // Only a password sign-in says so; a refresh says nothing, and the banner stays until the password changes.
    if (tokens.passwordBreached) $("breached-banner").hidden = false;
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
    $("breached-banner").hidden = true;
    startAutofill();
  }

  async function signedIn() {
    stopAutofill();
    $("sign-in-security-key").hidden = true;
    $("signed-out").hidden = true;
    $("signed-in").hidden = false;
    $("account").hidden = false;
    $("two-factor-step").hidden = true;
    $("sign-in-form").reset();
    await loadAccount();
    // Each section loads on its own: one failing leaves the others usable.
    await Promise.all([loadTwoFactor, loadPasskeys, loadSocialAccounts, loadSessions, loadApiKeys, loadPublishableKeys, loadBilling, loadActivity].map((load) => action(load, false)()));
    await action(acceptInvitation)();
    await action(loadOrganisations, false)();
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

  // A password sign-in, a social sign-in and a password reset answer TWO_FACTOR_REQUIRED while the account has
  // 2FA on and no code came: show the code field and ask for one, and the person sends again. Whether it went through.
  async function askingForCode(send, { field, input, prompt }) {
    try {
      await send();
      return true;
    } catch (error) {
      if (error.code !== "TWO_FACTOR_REQUIRED") throw error;
      $(field).hidden = false;
      $(input).focus();
      say(prompt);
      return false;
    }
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
        stopAutofill();
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
    const signedInNow = await askingForCode(async () => {
      try {
        acceptTokens(await call("POST", "/auth/login", body, { auth: false }));
      } catch (error) {
        offerSecurityKey(error.problem);
        throw error;
      }
    }, { field: "two-factor-step", input: "sign-in-code", prompt: "Enter the code from your authenticator app, or use a passkey or security key." });
    if (!signedInNow) return;
    say("Signed in.");
    await signedIn();
  }));

  // --- Security keys as the second step: a right password on an account with two-factor on answers with a pending
  // sign-in (a challenge for the account's passkeys and security keys, usable once), which a key finishes.
  let securityKeyOffer = null;

  function offerSecurityKey(problem) {
    securityKeyOffer = problem?.code === "TWO_FACTOR_REQUIRED" && problem.methods?.includes("webauthn") ? problem.webauthn : null;
    $("sign-in-security-key").hidden = !securityKeyOffer;
  }

  $("sign-in-security-key").addEventListener("click", action(async () => {
    const offer = securityKeyOffer;
    // The pending sign-in is single-use: another try starts from the password again.
    securityKeyOffer = null;
    $("sign-in-security-key").hidden = true;
    if (!offer) return;
    stopAutofill();
    const credential = await navigator.credentials.get({ publicKey: requestOptions(offer.options) });
    acceptTokens(await call("POST", "/auth/login/webauthn",
      { challengeId: offer.challengeId, credential: credentialJson(credential), refreshTokenDelivery: "cookie" }, { auth: false }));
    say("Signed in.");
    await signedIn();
  }, false));

  // --- Passkey autofill (WebAuthn conditional mediation): while signed out, the email field (autocomplete
  // "username webauthn") offers the browser's passkeys. A browser may have only one credentials.get pending, so a
  // button that starts another ceremony aborts this one first; a browser without conditional mediation just skips it.
  let autofill = null;

  function stopAutofill() {
    autofill?.abort();
    autofill = null;
  }

  async function startAutofill() {
    stopAutofill();
    const controller = new AbortController();
    autofill = controller;
    try {
      if (!window.PublicKeyCredential?.isConditionalMediationAvailable || !await PublicKeyCredential.isConditionalMediationAvailable()) return;
      const start = await call("POST", "/auth/passkeys/options", undefined, { auth: false });
      if (controller.signal.aborted) return;
      const credential = await navigator.credentials.get({ mediation: "conditional", publicKey: requestOptions(start.options), signal: controller.signal });
      if (controller.signal.aborted) return;
      autofill = null;
      acceptTokens(await call("POST", "/auth/passkeys/login",
        { challengeId: start.challengeId, credential: credentialJson(credential), refreshTokenDelivery: "cookie" }, { auth: false }));
      say("Signed in with a passkey.");
      await signedIn();
    } catch (error) {
      // Aborted for another ceremony, or dismissed: nothing to tell. A passkey the server refused is.
      if (controller.signal.aborted || error.name === "AbortError" || error.name === "NotAllowedError") return;
      say(error.message || String(error), true);
    }
  }

  $("passkey-sign-in").addEventListener("click", action(async () => {
    stopAutofill();
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

  // --- Social accounts (OpenID Connect). The provider sends the browser back to the API's callback, which
  // redirects here with the outcome in the fragment; a sign-in then waits in an HttpOnly cookie for completeSocial.
  let socialProviders = [];

  async function loadSocialProviders() {
    ({ data: socialProviders } = await call("GET", "/auth/social/providers", undefined, { auth: false }));
    $("social-sign-in").replaceChildren(...socialProviders.map((provider) => {
      const button = el("button", { type: "button", className: "secondary", textContent: `Sign in with ${provider.displayName}` });
      button.addEventListener("click", () => location.assign(`${API}/auth/social/${encodeURIComponent(provider.name)}/start`));
      return button;
    }));
  }

  async function completeSocial(twoFactorCode) {
    const signedInNow = await askingForCode(
      async () => acceptTokens(await call("POST", "/auth/social/complete", { twoFactorCode, refreshTokenDelivery: "cookie" }, { auth: false })),
      { field: "social-code-form", input: "social-code", prompt: "Enter the code from your authenticator app to finish signing in." });
    if (!signedInNow) return false;
    $("social-code-form").hidden = true;
    $("social-code-form").reset();
    say("Signed in.");
    await signedIn();
    return true;
  }

  $("social-code-form").addEventListener("submit", action(() => completeSocial($("social-code").value.trim()), false));

  async function loadSocialAccounts() {
    const { data } = await call("GET", "/me/social-accounts");
    $("social-account-list").replaceChildren(...(data.length ? data.map(socialAccountItem) : [el("li", { textContent: "No connected accounts." })]));
    $("social-link-buttons").replaceChildren(...socialProviders.map((provider) => {
      const button = el("button", { type: "button", className: "secondary", textContent: `Connect ${provider.displayName}` });
      button.addEventListener("click", action(async () => {
        const { url } = await call("POST", `/me/social-accounts/${encodeURIComponent(provider.name)}/link`);
        location.assign(url);
      }));
      return button;
    }));
  }

  function socialAccountItem(account) {
    const remove = el("button", { type: "button", className: "danger", textContent: "Disconnect" });
    remove.setAttribute("aria-label", `Disconnect ${account.displayName} ${account.email || ""}`.trim());
    remove.addEventListener("click", action(async () => {
      if (!await confirmAction(`Disconnect ${account.displayName}${account.email ? ` (${account.email})` : ""}? You can no longer sign in with it.`)) return;
      await call("DELETE", `/me/social-accounts/${account.id}`);
      say(`${account.displayName} disconnected.`);
      await loadSocialAccounts();
    }));
    return el("li", {},
      el("strong", { textContent: account.displayName }),
      el("span", { className: "meta", textContent: `${account.email || "no email shared"} · connected ${when(account.createdAt)}` }),
      remove);
  }

  // What the callback put in the fragment; read once, then removed so a reload does not repeat it.
  function socialOutcome() {
    const outcome = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
    // Only the callback's keys are ours: an invitation link in the fragment is left for acceptInvitation.
    if (Object.keys(outcome).some((key) => key.startsWith("social-"))) history.replaceState(null, "", location.pathname + location.search);
    return outcome;
  }

  // --- Account: email confirmation, password, email address, deletion
  let accountEmail = "";

  async function loadAccount() {
    const me = await call("GET", "/me");
    currentUserId = me.id;
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
    $("password-new-strength").textContent = "";
    $("breached-banner").hidden = true;
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

  // --- Password strength while typing: zxcvbn's verdict from POST /auth/password-strength, the rule registration,
  // change and reset apply (breaches are checked only when the password is set). Asked after a pause in typing.
  const STRENGTH_LABELS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"];

  function strengthMeter(input, output, context) {
    let timer = null;
    let asked = 0;
    $(input).addEventListener("input", () => {
      clearTimeout(timer);
      const password = $(input).value;
      const mine = ++asked;
      if (password.length < 8) {
        $(output).textContent = password ? "Too short: 8 characters or more." : "";
        return;
      }
      timer = setTimeout(async () => {
        try {
          const verdict = await call("POST", "/auth/password-strength", { password, ...context() }, { auth: false });
          if (mine !== asked) return;
          $(output).textContent = [`Strength: ${STRENGTH_LABELS[verdict.score]}.`, verdict.warning, ...verdict.suggestions,
            verdict.acceptable ? null : "Choose a stronger password."].filter(Boolean).join(" ");
        } catch {
          if (mine === asked) $(output).textContent = "";
        }
      }, 300);
    });
  }

  strengthMeter("register-password", "register-password-strength", () => ({ email: $("register-email").value }));
  strengthMeter("password-new", "password-new-strength", () => ({ email: accountEmail }));
  strengthMeter("reset-password", "reset-password-strength", () => ({}));

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
    // Only links that name an action are ours; an invitation link (#invitation&token=…) is acceptInvitation's.
    if (!link.action || !link.token) return null;
    history.replaceState(null, "", location.pathname);
    return link;
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
    const reset = await askingForCode(() => call("POST", "/auth/password-reset/complete", body, { auth: false }),
      { field: "reset-code-field", input: "reset-code", prompt: "Two-factor authentication is on: enter a code to finish." });
    if (!reset) return;
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

  const backupCodesText = () =>
    "Bkmark backup codes. Each works once, in place of a code from your authenticator app.\n\n"
    + [...$("backup-code-list").children].map((item) => item.textContent).join("\n") + "\n";

  $("backup-codes-copy").addEventListener("click", action(async () => {
    await navigator.clipboard.writeText(backupCodesText());
    say("Backup codes copied.");
  }, false));

  $("backup-codes-download").addEventListener("click", () => {
    // A Blob URL and a download attribute: the codes never leave the browser.
    const url = URL.createObjectURL(new Blob([backupCodesText()], { type: "text/plain" }));
    const link = el("a", { href: url, download: "bkmark-backup-codes.txt" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    say("Backup codes downloaded.");
  });

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
      el("span", { className: "meta", textContent: `${passkey.purpose === "second-factor" ? "Security key, second step only · " : ""}Added ${when(passkey.createdAt)} · last used ${when(passkey.lastUsedAt)}${passkey.backedUp ? " · synced" : ""}` }),
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

  $("security-key-add").addEventListener("click", action(async () => {
    const start = await call("POST", "/me/passkeys/options", { purpose: "second-factor" });
    const credential = await navigator.credentials.create({ publicKey: creationOptions(start.options) });
    const key = await call("POST", "/me/passkeys", { challengeId: start.challengeId, credential: credentialJson(credential) });
    say(`Security key "${key.name}" added: with two-factor authentication on, it can follow your password.`);
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
    await drawUsageCharts(data);
  }

  // ---- Per-key usage (DESIGN §18): the last 30 days of each key as an SVG bar chart the page builds ----
  const USAGE_DAYS = 30;
  const REFUSALS = ["rate_limited", "ip_refused", "expired", "revoked", "suspended"];

  async function drawUsageCharts(keys) {
    const charts = await Promise.all(keys.map(async (key) => usageChart(key, await call("GET", `/api-keys/${key.id}/usage?days=${USAGE_DAYS}`))));
    $("api-key-usage").replaceChildren(...(charts.length ? charts : [el("p", { className: "help", textContent: "No keys, no usage." })]));
  }

  function usageChart(key, usage) {
    const svgElement = (tag, attributes, ...children) => {
      const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
      Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
      node.append(...children);
      return node;
    };
    const days = usage.days.map((day) => ({ date: day.date, ok: day.outcomes.ok, refused: REFUSALS.reduce((sum, name) => sum + day.outcomes[name], 0) }));
    const highest = Math.max(1, ...days.map((day) => day.ok + day.refused));
    const width = 10, height = 50;
    const bars = days.flatMap((day, index) => {
      const okHeight = (day.ok / highest) * height, refusedHeight = (day.refused / highest) * height;
      const tip = `${day.date}: ${day.ok} accepted, ${day.refused} refused`;
      return [
        svgElement("rect", { class: "ok", x: index * width + 1, y: height - okHeight, width: width - 2, height: okHeight }, svgElement("title", {}, tip)),
        svgElement("rect", { class: "refused", x: index * width + 1, y: height - okHeight - refusedHeight, width: width - 2, height: refusedHeight }, svgElement("title", {}, tip)),
      ];
    });
    const ok = days.reduce((sum, day) => sum + day.ok, 0), refused = days.reduce((sum, day) => sum + day.refused, 0);
    const summary = `${key.name}: ${ok} accepted, ${refused} refused in the last ${USAGE_DAYS} days`;
    const chart = svgElement("svg", { viewBox: `0 0 ${days.length * width} ${height}`, preserveAspectRatio: "none", role: "img", "aria-label": summary }, ...bars);
    return el("figure", { className: "usage" }, el("figcaption", { textContent: summary }), chart);
  }

  // How long the previous value keeps working after a roll (DESIGN §10 allows up to 7 days).
  const ROLL_GRACES = [["0", "Stop the old value now"], ["3600", "Keep the old value 1 hour"], ["86400", "Keep the old value 24 hours"],
    ["604800", "Keep the old value 7 days"]];

  function apiKeyFacts(key) {
    const used = key.lastUsedAt
      ? `last used ${when(key.lastUsedAt)} from ${key.lastUsedIp || "an unknown address"} (${browserOf(key.lastUsedUserAgent)})`
      : "never used";
    return [
      key.environment === "test" ? "test (sandbox)" : null,
      key.scopes.join(", "),
      `${key.rateLimitPerMinute} requests/minute`,
      key.expiresAt ? `expires ${when(key.expiresAt)}` : "no expiry",
      used,
      key.allowedIps.length ? `only from ${key.allowedIps.join(", ")}` : null,
      key.previousExpiresAt ? `previous value works until ${when(key.previousExpiresAt)}` : null,
    ].filter(Boolean).join(" · ");
  }

  function showNewKey(title, value) {
    $("api-key-created-title").textContent = title;
    $("api-key-value").textContent = value;
    $("api-key-created").hidden = false;
    $("api-key-copy").focus();
  }

  // Revoking asks for the key's name, typed: a slip of the mouse cannot stop a production script.
  function confirmRevoke(name) {
    const dialog = $("revoke-dialog");
    const typed = $("revoke-typed");
    $("revoke-name").textContent = name;
    typed.value = "";
    $("revoke-confirm").disabled = true;
    typed.oninput = () => { $("revoke-confirm").disabled = typed.value !== name; };
    dialog.returnValue = "";
    dialog.showModal();
    typed.focus();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm" && typed.value === name), { once: true }));
  }

  function apiKeyItem(key) {
    const edit = el("button", { type: "button", className: "secondary", textContent: "Edit" });
    const roll = el("button", { type: "button", className: "secondary", textContent: "Roll" });
    const revoke = el("button", { type: "button", className: "danger", textContent: "Revoke" });
    edit.setAttribute("aria-label", `Edit API key ${key.name}`);
    roll.setAttribute("aria-label", `Roll API key ${key.name}`);
    revoke.setAttribute("aria-label", `Revoke API key ${key.name}`);
    const item = el("li", {},
      el("strong", { textContent: key.name }), " ", el("code", { textContent: key.keyPrefix + "…" }),
      el("span", { className: "meta", textContent: apiKeyFacts(key) }),
      edit, roll, revoke);
    edit.addEventListener("click", () => {
      const name = el("input", { value: key.name, maxLength: 100, required: true, id: `edit-${key.id}` });
      const scopes = el("div", { className: "scopes" });
      scopeBoxes(scopes, `edit-${key.id}`, key.scopes);
      const rate = el("input", { type: "number", min: 1, value: key.rateLimitPerMinute, id: `edit-rate-${key.id}` });
      const ips = el("input", { value: key.allowedIps.join(", "), id: `edit-ips-${key.id}`, placeholder: "203.0.113.0/24, 2001:db8::/32" });
      const form = el("form", {}, el("label", { htmlFor: name.id, textContent: "Name" }), name,
        el("fieldset", {}, el("legend", { textContent: "Scopes" }), scopes),
        el("label", { htmlFor: rate.id, textContent: "Requests per minute" }), rate,
        el("label", { htmlFor: ips.id, textContent: "Allowed addresses (CIDR ranges, comma-separated; empty allows any)" }), ips,
        el("button", { type: "submit", textContent: "Save" }));
      form.addEventListener("submit", action(async () => {
        await call("PATCH", `/api-keys/${key.id}`, {
          name: name.value, scopes: checkedScopes(scopes), rateLimitPerMinute: Number(rate.value),
          allowedIps: ips.value.split(",").map((range) => range.trim()).filter(Boolean),
        });
        say("API key updated.");
        await loadApiKeys();
      }));
      item.replaceChildren(form);
      name.focus();
    });
    roll.addEventListener("click", () => {
      const grace = el("select", { id: `roll-grace-${key.id}` },
        ...ROLL_GRACES.map(([seconds, label]) => el("option", { value: seconds, textContent: label, selected: seconds === "86400" })));
      const form = el("form", {}, el("label", { htmlFor: grace.id, textContent: `Roll "${key.name}": a new value replaces the old one` }), grace,
        el("button", { type: "submit", textContent: "Roll key" }),
        el("button", { type: "button", className: "secondary", textContent: "Cancel", onclick: () => loadApiKeys() }));
      form.addEventListener("submit", action(async () => {
        const rolled = await call("POST", `/api-keys/${key.id}/roll`, { expiresPreviousIn: Number(grace.value) });
        showNewKey(`The new value of "${rolled.name}".`, rolled.key);
        say(grace.value === "0" ? "API key rolled; the old value no longer works." : `API key rolled; the old value works until ${when(rolled.previousExpiresAt)}.`);
        await loadApiKeys();
      }));
      item.replaceChildren(form);
      grace.focus();
    });
    revoke.addEventListener("click", action(async () => {
      if (!await confirmRevoke(key.name)) return;
      await call("DELETE", `/api-keys/${key.id}`);
      say("API key revoked.");
      await Promise.all([loadApiKeys(), loadBilling()]);
    }));
    return item;
  }

  // --- Billing
  async function loadBilling() {
    const plan = await call("GET", "/me/plan");
    $("billing-plan").textContent = plan.plan.charAt(0).toUpperCase() + plan.plan.slice(1);
    $("billing-keys").textContent = plan.apiKeys.limit ? `${plan.apiKeys.active} of ${plan.apiKeys.limit} in use` : "Not included: upgrade to Pro for API keys";
    $("billing-rate").textContent = plan.rateLimitPerMinute ? `${plan.rateLimitPerMinute} requests per minute` : "—";
  }

  $("api-key-form").addEventListener("submit", action(async () => {
    const body = { name: $("api-key-name").value, scopes: checkedScopes($("api-key-scopes")),
      environment: document.querySelector("input[name=api-key-environment]:checked").value };
    if ($("api-key-expiry").value) body.expiresAt = new Date($("api-key-expiry").value).toISOString();
    const created = await call("POST", "/api-keys", body);
    $("api-key-form").reset();
    showNewKey("Your new API key.", created.key);
    say("API key created.");
    await Promise.all([loadApiKeys(), loadBilling()]);
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

  // --- Publishable keys: shown in full (they are not secret), with their origins and groups. The groups'
  // "public" toggles live here too, since this page shows groups nowhere else.
  let groups = [];

  async function loadPublishableKeys() {
    ({ data: groups } = await call("GET", "/groups"));
    $("publishable-key-groups").replaceChildren(...(groups.length ? groups.map(groupItem) : [el("li", { textContent: "No groups yet." })]));
    const { data } = await call("GET", "/publishable-keys");
    $("publishable-key-list").replaceChildren(...(data.length ? data.map(publishableKeyItem) : [el("li", { textContent: "No publishable keys." })]));
  }

  function groupItem(group) {
    const pick = el("input", { type: "checkbox", className: "pick", value: group.id, id: `pub-group-${group.id}` });
    const isPublic = el("input", { type: "checkbox", id: `pub-public-${group.id}`, checked: group.public });
    isPublic.addEventListener("change", action(async () => {
      await call("PATCH", `/groups/${group.id}`, { public: isPublic.checked });
      say(`"${group.name}" is now ${isPublic.checked ? "public" : "private"}.`);
    }, false));
    return el("li", {}, el("label", { htmlFor: pick.id }, pick, ` ${group.name}`), " ",
      el("label", { htmlFor: isPublic.id }, isPublic, " public"));
  }

  function publishableKeyItem(key) {
    const names = key.groupIds.map((id) => groups.find((g) => g.id === id)?.name || id);
    const copy = el("button", { type: "button", className: "secondary", textContent: "Copy" });
    const remove = el("button", { type: "button", className: "danger", textContent: "Delete" });
    copy.setAttribute("aria-label", `Copy publishable key ${key.name}`);
    remove.setAttribute("aria-label", `Delete publishable key ${key.name}`);
    copy.addEventListener("click", action(async () => {
      await navigator.clipboard.writeText(key.key);
      say("Publishable key copied.");
    }, false));
    remove.addEventListener("click", action(async () => {
      if (!await confirmAction(`Delete the publishable key "${key.name}"? Pages using it stop working at once.`)) return;
      await call("DELETE", `/publishable-keys/${key.id}`);
      say("Publishable key deleted.");
      await loadPublishableKeys();
    }));
    return el("li", {}, el("strong", { textContent: key.name }), " ", el("code", { textContent: key.key }),
      el("span", { className: "meta", textContent: `origins ${key.allowedOrigins.join(", ")} · groups ${names.join(", ")}` }),
      copy, remove);
  }

  $("publishable-key-form").addEventListener("submit", action(async () => {
    await call("POST", "/publishable-keys", {
      name: $("publishable-key-name").value,
      groupIds: [...$("publishable-key-groups").querySelectorAll("input.pick:checked")].map((box) => box.value),
      allowedOrigins: $("publishable-key-origins").value.split(/\s+/).filter(Boolean),
    });
    $("publishable-key-form").reset();
    say("Publishable key created.");
    await loadPublishableKeys();
  }));

  // --- Organisations: a switcher, the chosen one's members, invitations and keys (for its admins and owners).
  let organisation = null;

  async function loadOrganisations(selectId) {
    const { data } = await call("GET", "/orgs");
    const switcher = $("org-switcher");
    switcher.replaceChildren(...data.map((org) => el("option", { value: org.id, textContent: `${org.name} (${org.role})` })));
    organisation = data.find((org) => org.id === (selectId || organisation?.id)) || data[0] || null;
    if (organisation) switcher.value = organisation.id;
    await showOrganisation();
  }

  async function showOrganisation() {
    $("org-panel").hidden = !organisation;
    if (!organisation) {
      $("org-key-scopes").replaceChildren();
      return;
    }
    const manages = organisation.role !== "member";
    $("org-role").textContent = `Your role: ${organisation.role}.`;
    document.querySelectorAll("#org-panel [data-manager]").forEach((node) => { node.hidden = !manages; });
    $("org-invite-role").querySelector("option[value=owner]").disabled = organisation.role !== "owner";
    const { data } = await call("GET", `/orgs/${organisation.id}/members`);
    $("org-member-list").replaceChildren(...data.map(memberItem));
    // Drawn only while a manager sees their organisation: otherwise the page holds the personal key form's boxes alone.
    if (manages) scopeBoxes($("org-key-scopes"), "org", ["bookmarks:read"]);
    else $("org-key-scopes").replaceChildren();
    if (manages) {
      const keys = await call("GET", `/orgs/${organisation.id}/api-keys`);
      $("org-key-list").replaceChildren(...(keys.data.length ? keys.data.map(orgKeyItem) : [el("li", { textContent: "No organisation keys." })]));
      await showOrganisationOversight();
    }
  }

  // --- An organisation's pending invitations (each revocable) and its own activity log, for its admins and owners.
  async function showOrganisationOversight() {
    const [invitations, activity] = await Promise.all([
      call("GET", `/orgs/${organisation.id}/invitations`),
      call("GET", `/orgs/${organisation.id}/security-events?limit=20`),
    ]);
    $("org-invitation-list").replaceChildren(...(invitations.data.length
      ? invitations.data.map(invitationItem)
      : [el("li", { textContent: "No pending invitations." })]));
    $("org-activity-list").replaceChildren(...(activity.data.length
      ? activity.data.map((event) => el("li", {},
        el("strong", { textContent: describe(event) }),
        el("span", { className: "meta", textContent: ` ${memberName(event.details?.actorId)} · ${when(event.occurredAt)} · ${event.ipAddress || "unknown address"}` })))
      : [el("li", { textContent: "No activity yet." })]));
  }

  function memberName(userId) {
    const row = userId && document.querySelector(`#org-member-list [data-user-id="${CSS.escape(userId)}"]`);
    return row ? row.dataset.email : userId === currentUserId ? "you" : "a former member";
  }

  function invitationItem(invitation) {
    const revoke = el("button", { type: "button", className: "danger", textContent: "Revoke" });
    revoke.setAttribute("aria-label", `Revoke the invitation to ${invitation.email}`);
    revoke.addEventListener("click", action(async () => {
      if (!await confirmAction(`Revoke the invitation to ${invitation.email}? Its link stops working at once.`)) return;
      await call("DELETE", `/orgs/${organisation.id}/invitations/${invitation.id}`);
      say(`Invitation to ${invitation.email} revoked.`);
      await showOrganisationOversight();
    }));
    return el("li", {}, el("strong", { textContent: invitation.email }),
      el("span", { className: "meta", textContent: ` ${invitation.role} · invited by ${invitation.invitedByEmail} · expires ${when(invitation.expiresAt)}` }), revoke);
  }

  function memberItem(member) {
    const item = el("li", {}, el("strong", { textContent: member.email }), el("span", { className: "meta", textContent: ` ${member.role} · joined ${when(member.joinedAt)}` }));
    item.dataset.userId = member.userId;
    item.dataset.email = member.email;
    const owner = organisation.role === "owner";
    if (organisation.role === "member" || (member.role === "owner" && !owner)) return item;
    const role = el("select", { id: `role-${member.userId}` },
      ...["member", "admin", "owner"].map((r) => el("option", { value: r, textContent: r, selected: r === member.role, disabled: r === "owner" && !owner })));
    role.setAttribute("aria-label", `Role of ${member.email}`);
    role.addEventListener("change", action(async () => {
      await call("PATCH", `/orgs/${organisation.id}/members/${member.userId}`, { role: role.value });
      say(`${member.email} is now ${role.value}.`);
      await loadOrganisations();
    }));
    item.append(role);
    if (member.userId !== currentUserId) {
      const remove = el("button", { type: "button", className: "danger", textContent: "Remove" });
      remove.setAttribute("aria-label", `Remove ${member.email}`);
      remove.addEventListener("click", action(async () => {
        if (!await confirmAction(`Remove ${member.email} from ${organisation.name}? They lose its library at once.`)) return;
        await call("DELETE", `/orgs/${organisation.id}/members/${member.userId}`);
        say(`${member.email} removed.`);
        await showOrganisation();
      }));
      item.append(remove);
    }
    return item;
  }

  function orgKeyItem(key) {
    const revoke = el("button", { type: "button", className: "danger", textContent: "Revoke" });
    revoke.setAttribute("aria-label", `Revoke organisation key ${key.name}`);
    revoke.addEventListener("click", action(async () => {
      if (!await confirmAction(`Revoke the organisation key "${key.name}"? Scripts using it stop working at once.`)) return;
      await call("DELETE", `/orgs/${organisation.id}/api-keys/${key.id}`);
      say("Organisation key revoked.");
      await showOrganisation();
    }));
    return el("li", {}, el("strong", { textContent: key.name }), " ", el("code", { textContent: key.keyPrefix + "…" }),
      el("span", { className: "meta", textContent: `${key.scopes.join(", ")} · last used ${when(key.lastUsedAt)}` }), revoke);
  }

  // An invitation link carries its token in the fragment (#invitation&token=…), which never reaches a server.
  async function acceptInvitation() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (!params.has("invitation") || !params.get("token")) return;
    history.replaceState(null, "", location.pathname);
    const joined = await call("POST", "/orgs/invitations/accept", { token: params.get("token") });
    say(`You joined ${joined.name} as ${joined.role}.`);
    organisation = joined;
  }

  $("org-switcher").addEventListener("change", action(async () => {
    await loadOrganisations($("org-switcher").value);
  }, false));

  $("org-create-form").addEventListener("submit", action(async () => {
    const created = await call("POST", "/orgs", { name: $("org-name").value });
    $("org-create-form").reset();
    say(`Organisation ${created.name} created.`);
    await loadOrganisations(created.id);
  }));

  $("org-invite-form").addEventListener("submit", action(async () => {
    const sent = await call("POST", `/orgs/${organisation.id}/invitations`, { email: $("org-invite-email").value, role: $("org-invite-role").value });
    $("org-invite-form").reset();
    say(`Invitation sent to ${sent.email}.`);
    await showOrganisationOversight();
  }));

  $("org-key-form").addEventListener("submit", action(async () => {
    const created = await call("POST", `/orgs/${organisation.id}/api-keys`, { name: $("org-key-name").value, scopes: checkedScopes($("org-key-scopes")) });
    $("org-key-value").textContent = created.key;
    $("org-key-created").hidden = false;
    $("org-key-form").reset();
    say("Organisation key created.");
    await showOrganisation();
  }));

  $("org-key-done").addEventListener("click", () => {
    $("org-key-value").textContent = "";
    $("org-key-created").hidden = true;
  });

  $("org-leave").addEventListener("click", action(async () => {
    if (!await confirmAction(`Leave ${organisation.name}? You lose its library until someone invites you again.`)) return;
    await call("POST", `/orgs/${organisation.id}/leave`);
    say(`You left ${organisation.name}.`);
    organisation = null;
    await loadOrganisations();
  }));

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
    "apikey.rolled": "API key rolled",
    "apikey.leaked": "API key found in public and revoked",
    "publishablekey.created": "Publishable key created",
    "publishablekey.deleted": "Publishable key deleted",
    "session.revoked": "Session signed out",
    "sessions.revoked_others": "All other sessions signed out",
    "social.linked": "Account connected",
    "social.unlinked": "Account disconnected",
    "organisation.created": "Organisation created",
    "organisation.joined": "Joined an organisation",
    "organisation.left": "Left an organisation",
    "organisation.member_invited": "Invited someone to an organisation",
    "organisation.member_role_changed": "Changed a member's role",
    "organisation.member_removed": "Removed a member from an organisation",
    "organisation.invitation_revoked": "Revoked an invitation to an organisation",
    "email.verified": "Email address confirmed",
    "password.changed": "Password changed",
    "password.reset": "Password reset by email",
    "email.changed": "Email address changed",
    "operator.account_viewed": "Bkmark support looked up your account",
    "operator.security_events_viewed": "Bkmark support read your security activity",
    "operator.account_locked": "Bkmark support locked your account",
    "operator.account_unlocked": "Bkmark support unlocked your account",
    "operator.signed_out": "Bkmark support signed you out everywhere",
    "operator.twofactor_reset": "Bkmark support removed two-factor authentication",
    "operator.organisation_owner_set": "Bkmark support made you an organisation's owner",
  };

  // Support acts from no browser of yours: who did it is the whole of where it came from.
  const BY_SUPPORT = "operator.";

  function describe(event) {
    const d = event.details || {};
    const what = EVENT_LABELS[event.type] || event.type;
    const about = d.name ? ` "${d.name}"` : d.keyPrefix ? ` ${d.keyPrefix}…` : d.provider ? ` (${d.provider})` : d.method ? ` with ${d.method}`
      : d.organisation ? ` "${d.organisation}"` : d.reason ? `: ${d.reason}` : "";
    const times = d.count > 1 ? ` (${d.count} attempts)` : "";
    return what + about + times;
  }

  async function loadActivity(more = false) {
    const query = "?limit=20" + (more && activityCursor ? "&cursor=" + encodeURIComponent(activityCursor) : "");
    const { data, nextCursor } = await call("GET", "/me/security-events" + query);
    const items = data.map((event) => el("li", {},
      el("strong", { textContent: describe(event) }),
      el("span", { className: "meta", textContent: event.type.startsWith(BY_SUPPORT)
        ? `${when(event.occurredAt)} · by Bkmark support`
        : `${when(event.occurredAt)} · ${event.ipAddress || "unknown address"} · ${browserOf(event.userAgent)}` })));
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
    // Links from emails (#action=…&token=…) and the social callback's outcome (#social-…) arrive in the fragment.
    const link = takeLink();
    const social = socialOutcome();
    await action(loadSocialProviders, false)();
    if (link) await action(() => followLink(link), false)();
    if (social["social-error"]) say(social.detail || social["social-error"], true);
    if (social["social-linked"]) say("Account connected.");
    if (social["social-sign-in"]) {
      // The sign-in panel holds the code step; signedIn() replaces it once the sign-in completes.
      signedOut();
      await action(completeSocial, false)();
    } else if (await refresh()) {
      await action(signedIn)();
    }
    document.body.dataset.ready = "true";
  })();
})();
