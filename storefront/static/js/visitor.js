/* Storefront: the visitor's own parts of a shared page (name, cart count, CSRF token,
   message), filled in from the display cookies the app keeps in step (web/visitor.py).
   A catalogue page is one file for everybody (templates/_edge.html): this script is what
   lets nginx send a signed-in shopper that file as it is, at static-file speed. It sets
   `sf_js` (for this browser session), which tells nginx that this browser fills its parts
   itself; a browser without script never sets it, and nginx's SSI fills the same parts in
   for it (deploy/nginx.conf, @personal).
   Loaded (not deferred) right after the header, so the header is filled before the page is
   first painted; the rest (the message) when the page has been read. The cookies are only
   ever used as text, never as markup, and say nothing the server trusts. */
(function () {
  "use strict";

  var KINDS = ["success", "info", "error", "warning"];

  function cookie(name) {
    var all = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < all.length; i++) {
      var at = all[i].indexOf("=");
      if (all[i].slice(0, at) === name) return all[i].slice(at + 1);
    }
    return "";
  }

  function text(value) {
    try { return decodeURIComponent(value); } catch (e) { return ""; }
  }

  function setCookie(name, value, extra) {
    document.cookie = name + "=" + value + "; Path=/; SameSite=Lax" + (extra || "") +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  /* The header's count: the cookie's (the app sets it with every count it learns). */
  function showCount() {
    var count = cookie("sf_count"), badge = document.getElementById("cart-count");
    if (badge && /^[0-9]{1,6}$/.test(count)) badge.textContent = count;
  }

  /* A signed-in visitor's parts: each <template data-signed-in> becomes its content, with
     the name (the header's "Welcome <strong>", base.html) and the token in; what an
     anonymous visitor sees instead goes. */
  function showSignedIn(root) {
    var name = text(cookie("sf_name"));
    if (!name) return;
    var token = cookie("sf_csrf");
    root.querySelectorAll("template[data-signed-in]").forEach(function (template) {
      var part = template.content.cloneNode(true);
      part.querySelectorAll(".welcome strong").forEach(function (el) { el.textContent = name; });
      part.querySelectorAll("input[name=csrf_token]").forEach(function (el) { el.value = token; });
      template.replaceWith(part);
    });
    root.querySelectorAll("[data-anonymous]").forEach(function (el) { el.remove(); });
  }

  /* The message the app left for this page, shown once: the cookie goes as it is shown.
     Returns [kind, text], or null. */
  function takeMessage() {
    var value = cookie("sf_flash");
    if (!value) return null;
    setCookie("sf_flash", "", "; Max-Age=0");
    var dot = value.indexOf(".");
    var kind = value.slice(0, dot), message = text(value.slice(dot + 1));
    if (dot < 1 || KINDS.indexOf(kind) < 0 || !message) return null;
    return [kind, message];
  }

  function showMessage() {
    var template = document.querySelector("template[data-flash]");
    if (!template) return;
    var message = takeMessage();
    if (!message) return;
    var part = template.content.cloneNode(true);
    var box = part.querySelector(".alert");
    box.className = "alert alert-" + message[0];
    box.setAttribute("role", message[0] === "error" ? "alert" : "status");
    box.textContent = message[1];
    template.replaceWith(part);
  }

  setCookie("sf_js", "1");
  showSignedIn(document);
  showCount();
  document.addEventListener("DOMContentLoaded", function () {
    showSignedIn(document);  /* any part below the header */
    showMessage();
  });
  /* for shop.js: the quick add reads the count and the message its post left */
  window.storefrontVisitor = { showCount: showCount, takeMessage: takeMessage };
})();
