/* Storefront: the homepage carousel, the detail page's picture switcher and the search
   box's suggestions.
   Loaded with `defer` from base.html; no inline scripts (a strict CSP is coming). */
(function () {
  "use strict";

  function initCarousel(root) {
    var slides = root.querySelectorAll(".slide");
    var dots = root.querySelectorAll(".carousel-dot");
    if (slides.length < 2) return;
    var interval = parseInt(root.getAttribute("data-interval"), 10) || 4000;
    var current = 0;
    var timer = null;
    var hovered = false;
    var focused = false;

    for (var i = 0; i < slides.length; i++) {
      if (slides[i].classList.contains("is-active")) current = i;
    }

    function show(index) {
      current = (index + slides.length) % slides.length;
      for (var i = 0; i < slides.length; i++) {
        var active = i === current;
        slides[i].classList.toggle("is-active", active);
        slides[i].setAttribute("aria-hidden", active ? "false" : "true");
        slides[i].tabIndex = active ? 0 : -1;
      }
      for (var j = 0; j < dots.length; j++) {
        dots[j].classList.toggle("is-active", j === current);
        if (j === current) dots[j].setAttribute("aria-current", "true");
        else dots[j].removeAttribute("aria-current");
      }
    }

    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
    }

    function start() {
      stop();
      if (hovered || focused || document.hidden) return;
      timer = setInterval(function () { show(current + 1); }, interval);
    }

    function go(index) { show(index); start(); }

    var prev = root.querySelector("[data-carousel-prev]");
    var next = root.querySelector("[data-carousel-next]");
    if (prev) prev.addEventListener("click", function () { go(current - 1); });
    if (next) next.addEventListener("click", function () { go(current + 1); });
    Array.prototype.forEach.call(dots, function (dot) {
      dot.addEventListener("click", function () {
        go(parseInt(dot.getAttribute("data-slide"), 10) || 0);
      });
    });

    root.addEventListener("mouseenter", function () { hovered = true; stop(); });
    root.addEventListener("mouseleave", function () { hovered = false; start(); });
    root.addEventListener("focusin", function () { focused = true; stop(); });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) { focused = false; start(); }
    });
    root.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") go(current - 1);
      else if (event.key === "ArrowRight") go(current + 1);
    });
    document.addEventListener("visibilitychange", start);

    root.classList.add("is-ready");
    show(current);
    start();
  }

  function initGallery(root) {
    var main = root.querySelector("[data-gallery-main]");
    var thumbs = root.querySelectorAll("[data-gallery-thumb]");
    if (!main) return;
    Array.prototype.forEach.call(thumbs, function (thumb) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        // the main picture has a ladder of sizes: swap the whole ladder, not just src
        var source = main.parentNode.tagName === "PICTURE" ? main.parentNode.querySelector("source") : null;
        if (source) source.srcset = thumb.getAttribute("data-webp") || "";
        main.srcset = thumb.getAttribute("data-jpeg") || "";
        main.src = thumb.getAttribute("href");
        for (var i = 0; i < thumbs.length; i++) {
          thumbs[i].classList.toggle("is-active", thumbs[i] === thumb);
        }
      });
    });
  }

  /* The header search box: up to five SKU names as the shopper types (optional: the
     form is a plain GET without it). */
  function initSuggest(form) {
    var input = form.querySelector("input[name=q]");
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list || !window.fetch) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) return;
        asked = text;
        fetch(form.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text))
          .then(function (response) { return response.ok ? response.json() : { names: [] }; })
          .then(function (data) {
            if (text !== asked) return; /* the shopper typed on meanwhile */
            list.textContent = "";
            data.names.forEach(function (name) {
              var option = document.createElement("option");
              option.value = name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions: the box still works */ });
      }, 150);
    });
  }

  /* Quick add: a tile's Add form posted without leaving the page. The reply is the page a
     plain post lands on (the product page, or a refusal): the count and the message come
     from the display cookies the post set (visitor.js), or from a page the app rendered. */
  function initQuickAdd() {
    var note = document.createElement("div");
    note.className = "quick-added";
    note.setAttribute("role", "status");
    document.body.appendChild(note);
    var hide;

    function say(text, ok) {
      note.textContent = text + " ";
      if (ok) {
        var link = document.createElement("a");
        link.href = "/cart";
        link.textContent = "View cart";
        note.appendChild(link);
      }
      note.classList.toggle("is-error", !ok);
      note.classList.add("is-shown");
      clearTimeout(hide);
      hide = setTimeout(function () { note.classList.remove("is-shown"); }, 8000);
    }

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("form.tile-add") || !window.fetch) return;
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var visitor = window.storefrontVisitor;
            var left = visitor ? visitor.takeMessage() : null;
            if (response.ok && visitor) visitor.showCount();
            var message = page.querySelector(".flashes .alert, .panel-text");
            say(left ? left[1] : message ? message.textContent.trim()
                : (response.ok ? "Added to your cart." : "Your cart was not changed."),
                response.ok);
          });
        })
        .catch(function () { form.submit(); /* no answer: the plain post instead */ })
        .then(function () { button.disabled = false; });
    });
  }

  document.querySelectorAll("[data-carousel]").forEach(initCarousel);
  document.querySelectorAll("[data-gallery]").forEach(initGallery);
  document.querySelectorAll("form[data-suggest]").forEach(initSuggest);
  if (document.querySelector("form.tile-add")) initQuickAdd();
})();
