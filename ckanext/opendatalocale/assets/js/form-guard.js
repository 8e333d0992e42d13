/* One submission per form: a double click on "Terminer" (or an impatient
 * second click while a large file uploads) sends the form once.
 *
 * CKAN's basic-form module disables the buttons only after a timeout, so a
 * fast second click still submits, and the browser sends both requests. Here
 * the first submission is let through, with the clicked button's value kept
 * (the "save" field tells CKAN which button it was), and every later one is
 * stopped; the buttons are disabled at once and say that it is being sent.
 * A page restored from the back/forward cache gets its buttons back.
 * Loaded as a file from the portal's origin (the CSP allows no inline script).
 */
(function () {
  'use strict';

  var FORMS = 'form#resource-edit, form#dataset-edit, form[data-form-guard]';

  function keepSubmitter(form, submitter) {
    if (!submitter || !submitter.name) {
      return;
    }
    var kept = document.createElement('input');
    kept.type = 'hidden';
    kept.name = submitter.name;
    kept.value = submitter.value;
    kept.setAttribute('data-form-guard', 'kept');
    form.appendChild(kept);
  }

  function buttons(form) {
    return form.querySelectorAll('button[type="submit"], input[type="submit"]');
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches(FORMS)) {
      return;
    }
    if (form.getAttribute('data-submitted') === 'true') {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.setAttribute('data-submitted', 'true');
    form.setAttribute('aria-busy', 'true');
    keepSubmitter(form, event.submitter);
    Array.prototype.forEach.call(buttons(form), function (button) {
      button.disabled = true;
    });
  }

  function reset() {
    Array.prototype.forEach.call(document.querySelectorAll(FORMS), function (form) {
      form.removeAttribute('data-submitted');
      form.removeAttribute('aria-busy');
      Array.prototype.forEach.call(form.querySelectorAll('[data-form-guard="kept"]'),
        function (kept) { kept.parentNode.removeChild(kept); });
      Array.prototype.forEach.call(buttons(form), function (button) {
        button.disabled = false;
      });
    });
  }

  // capture phase: before CKAN's modules and before any other handler
  document.addEventListener('submit', onSubmit, true);
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      reset();
    }
  });
}());
