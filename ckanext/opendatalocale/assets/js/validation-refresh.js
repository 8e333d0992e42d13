/* "Vérification en cours" follows the check by itself.
 *
 * The report section (or the correction's, on its page) carries
 * data-validation-refresh, the API address of resource_validation_show (or
 * scdl_repair_show: data-url) and the status shown (data-status).
 * Every few seconds, for a bounded time, the status is asked; when it
 * changes, the page is fetched again and the report replaced in place, and
 * its status line (role="status", aria-live) says that the check is over, so
 * that a screen reader hears it. No inline script: the page's CSP is
 * script-src 'self'.
 */
(function () {
  "use strict";

  var EVERY_MS = 3000;
  var TRIES = 200; // ten minutes; beyond, the status line says to come back

  function liveLine(section) {
    return section.querySelector(".scdl-report-live");
  }

  function replaceReport(section, done) {
    return fetch(window.location.href, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .getElementById(section.id);
        if (!fresh) {
          window.location.reload();
          return;
        }
        var live = liveLine(section);
        // the status line stays in place (a replaced live region is not
        // announced): every other child is replaced by the fresh report's
        Array.prototype.slice.call(section.children).forEach(function (child) {
          if (child !== live) { section.removeChild(child); }
        });
        Array.prototype.slice.call(fresh.children).forEach(function (child) {
          if (child.classList.contains("scdl-report-live")) { return; }
          section.appendChild(document.importNode(child, true));
        });
        // the heading and its badge first, then the status line
        var heading = section.querySelector("h1, h2");
        if (heading && live) { section.insertBefore(heading, live); }
        section.removeAttribute("data-validation-refresh");
        var badge = section.querySelector(".scdl-validation");
        if (live) {
          live.textContent = done + (badge ? " " + badge.textContent.trim() + "." : "");
        }
      });
  }

  function follow(section) {
    var url = section.getAttribute("data-url");
    var shown = section.getAttribute("data-status");
    var done = section.getAttribute("data-done") || "";
    var still = section.getAttribute("data-still") || "";
    var tries = 0;

    function ask() {
      tries += 1;
      if (tries > TRIES) {
        var live = liveLine(section);
        if (live) { live.textContent = still; }
        return;
      }
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          var status = answer && answer.result && answer.result.status;
          if (status && status !== shown && status !== "running" && status !== "created" &&
              status !== "publishing") {
            return replaceReport(section, done);
          }
          window.setTimeout(ask, EVERY_MS);
        })
        .catch(function () { window.setTimeout(ask, EVERY_MS); });
    }

    window.setTimeout(ask, EVERY_MS);
  }

  function start() {
    var sections = document.querySelectorAll("[data-validation-refresh]");
    Array.prototype.forEach.call(sections, follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
