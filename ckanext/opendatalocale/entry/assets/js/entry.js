/* Online entry: the grid (Tabulator) of a draft, each row checked by the
 * portal's validator and kept in the draft as soon as it changes.
 *
 * Settings come from the JSON block #scdl-entry-config (columns, API
 * addresses, words): no inline script, the page's CSP is script-src 'self'.
 * The rows are read page by page from scdl_entry_rows (never the whole file
 * in the browser); a changed row goes to scdl_entry_check (converted and
 * checked: its errors shown on its cells), then to scdl_entry_update. A
 * refused request (a session that ended, the network) keeps the rows in the
 * page and says how to go on; "Réessayer" sends them again. On a phone, a
 * form shows one row at a time. Accessibility fixes after each render:
 * see a11y().
 */
(function () {
  "use strict";

  var holder = document.getElementById("scdl-entry-config");
  if (!holder || typeof Tabulator === "undefined") { return; }
  var config = JSON.parse(holder.textContent);
  var S = config.strings;
  var columns = config.columns;
  var byName = {};
  columns.forEach(function (c) { byName[c.name] = c; });
  var locked = columns.filter(function (c) { return c.value; });

  var statusLine = document.getElementById("scdl-entry-status");
  var problem = document.getElementById("scdl-entry-problem");
  var errors = {};          // row key -> {column: [messages]}
  var pending = {};         // row key -> row component, not yet saved
  var nextKey = 1;
  var total = 0;            // rows in the draft, as the portal last said

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] !== undefined ? values[name] : all;
    });
  }

  function say(text) { statusLine.textContent = text; }

  function showProblem(text, withLogin) {
    problem.textContent = "";
    problem.appendChild(document.createTextNode(text + " "));
    if (withLogin) {
      var link = document.createElement("a");
      link.href = config.login;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = S.log_in;
      problem.appendChild(link);
      problem.appendChild(document.createTextNode(" "));
    }
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn-sm btn-primary ms-1";
    retry.textContent = S.retry;
    retry.addEventListener("click", function () {
      problem.hidden = true;
      // logged in again: the new session has its own CSRF token
      refreshToken().then(function () {
        Object.keys(pending).forEach(function (key) { saveRow(pending[key]); });
      });
    });
    problem.appendChild(retry);
    problem.hidden = false;
  }

  function tokenOf(doc) {
    var field = doc.querySelector("meta[name=csrf_field_name]");
    var token = field && doc.querySelector('meta[name="' + field.content + '"]');
    return token ? token.content : "";
  }
  var token = tokenOf(document);
  function csrfToken() { return token; }

  /* The page's CSRF token again, from the page as the server now sends it. */
  function refreshToken() {
    return fetch(window.location.href, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = tokenOf(new DOMParser().parseFromString(html, "text/html"));
        if (fresh) { token = fresh; }
      })
      .catch(function () {});
  }

  /* A CKAN action: its result, or a rejection {status, message}. */
  function api(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": csrfToken()},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok && answer.success) { return answer.result; }
        var error = answer.error || {};
        var words = [];
        Object.keys(error).forEach(function (key) {
          if (key === "__type") { return; }
          var value = error[key];
          words.push(Array.isArray(value) ? value.join(" ") : String(value));
        });
        throw {status: response.status, message: words.join(" ") || response.statusText};
      });
    }, function () { throw {status: 0, message: S.error}; });
  }

  function failed(error) {
    if (error.status === 403) { showProblem(S.session, true); }
    else if (error.status === 404) { showProblem(S.gone, false); }
    else { showProblem(fill(S.failed, {message: error.message}), false); }
  }

  function keyOf(row) {
    var data = row.getData();
    // bookkeeping keys are set on the row's data itself: an update would
    // render the row again and close the editor she is typing in
    if (!data._key) { data._key = "k" + (nextKey++); }
    return row.getData()._key;
  }

  function cellsOf(data) {
    var cells = {};
    columns.forEach(function (c) {
      var value = data[c.name];
      cells[c.name] = value === undefined || value === null ? "" : String(value);
    });
    return cells;
  }

  function rowNumber(row) {
    var page = table.getPage() || 1;
    return (page - 1) * config.page_size + row.getPosition();
  }

  var busy = 0;              // requests under way (the journeys wait for none)
  var timers = {};
  window.scdlEntryBusy = function () { return busy + Object.keys(timers).length; };

  /* The row is still on the grid's page (not replaced by a page loaded since). */
  function alive(row) {
    try {
      var key = row.getData()._key;
      return table.getRows().some(function (other) { return other.getData()._key === key; });
    } catch (e) { return false; }
  }

  var chains = {};          // row key -> its last save (a row's saves one after another)
  var ids = {};             // row key -> the draft's id of the row, once known

  /* Check a row, keep its converted values and errors, then save it. The
   * row's cells are taken now (a page changed meanwhile loses nothing); its
   * saves run one after the other, so that a new row is inserted once. */
  function saveRow(row) {
    var key = keyOf(row);
    var data = Object.assign({}, row.getData());
    if (data._id) { ids[key] = data._id; }
    pending[key] = row;
    busy += 1;
    var previous = chains[key] || Promise.resolve();
    var done = previous.then(function () { return saveNow(row, key, data); })
      .catch(failed)
      .then(function () { busy -= 1; });
    chains[key] = done;
    return done;
  }

  function saveNow(row, key, data) {
    say(S.saving);
    var cells = cellsOf(data);
    return api(config.api.check, {type: config.type, version: config.version, rows: [cells]})
      .then(function (result) {
        var checked = result.rows[0];
        var said = [];
        Object.keys(checked.conversions).forEach(function (name) {
          said.push(name + " : " + fill(S.converted, checked.conversions[name]));
        });
        errors[key] = checked.errors;
        if (checked.row_errors.length) { errors[key][""] = checked.row_errors; }
        var update = {};
        Object.keys(checked.conversions).forEach(function (name) {
          var cell = alive(row) && row.getCell(name);
          if (cell && !editing(cell)) { update[name] = checked.values[name]; }
        });
        if (Object.keys(update).length) { row.update(update); }
        var body = {id: config.entry, rows: [Object.assign({_id: ids[key] || null},
                                                              checked.values)]};
        return api(config.api.update, body).then(function (saved) {
          total = saved.total;
          ids[key] = saved.ids[0];
          delete pending[key];
          if (!alive(row)) { return; }
          if (!row.getData()._id) { row.getData()._id = saved.ids[0]; }
          markRow(row);
          var number = rowNumber(row);
          var messages = [];
          var visible = shown(row.getData());
          Object.keys(visible).forEach(function (name) {
            visible[name].forEach(function (m) {
              messages.push((name ? name + " : " : "") + m);
            });
          });
          // « conforme » only for a row the validator found nothing to say of
          var clean = !Object.keys(errors[key]).length;
          var text = messages.length
            ? fill(S.invalid_row, {row: number, num: messages.length}) + " " + messages.join(" ")
            : fill(clean ? S.valid_row : S.saved, {row: number});
          say(said.concat([text]).join(" "));
          listErrors();
          refreshForm();
        });
      });
  }

  function queue(row) {
    var key = keyOf(row);
    pending[key] = row;
    window.clearTimeout(timers[key]);
    timers[key] = window.setTimeout(function () {
      delete timers[key];
      saveRow(row);
    }, 300);
  }

  /* Every change typed, sent now (before a page is loaded or the file saved). */
  function flush() {
    return Promise.all(Object.keys(timers).map(function (key) {
      window.clearTimeout(timers[key]);
      delete timers[key];
      return saveRow(pending[key]);
    }));
  }

  /* A row's errors as shown: an empty cell is not said to be missing while
   * she is still typing the row (until she leaves it or saves the file). */
  function shown(data) {
    var found = errors[data._key] || {};
    if (data._left) { return found; }
    var kept = {};
    Object.keys(found).forEach(function (name) {
      var value = data[name];
      if (name && value !== undefined && value !== null && String(value) !== "") {
        kept[name] = found[name];
      }
    });
    return kept;
  }

  /* A cell whose editor is open (she is typing in it). */
  function editing(cell) {
    var element = cell.getElement();
    return element.contains(document.activeElement) && document.activeElement !== element;
  }

  /* A row's errors marked on its cells, without rendering them again (an
   * open editor stays open). */
  function markRow(row) {
    var visible = shown(row.getData());
    row.getCells().forEach(function (cell) {
      var found = visible[cell.getField()];
      var element = cell.getElement();
      element.classList.toggle("scdl-cell-invalid", !!found);
      if (found) { element.setAttribute("title", found.join(" ")); }
      else { element.removeAttribute("title"); }
    });
  }

  /* What remains to correct on the page, in words, under the grid. */
  var errorList = document.getElementById("scdl-entry-errors");
  function listErrors() {
    var list = errorList.querySelector("ul");
    list.textContent = "";
    table.getRows().forEach(function (row) {
      var visible = shown(row.getData());
      Object.keys(visible).forEach(function (name) {
        visible[name].forEach(function (message) {
          var item = document.createElement("li");
          var column = byName[name];
          item.textContent = fill(S.error_at, {row: rowNumber(row),
                                               column: column ? column.title : ""})
            + " " + message;
          list.appendChild(item);
        });
      });
    });
    errorList.hidden = !list.children.length;
  }

  /* Cells: the value as text, an error marked (colour, border, title). */
  function formatter(cell) {
    var element = cell.getElement();
    var data = cell.getRow().getData();
    var found = shown(data)[cell.getField()];
    element.classList.toggle("scdl-cell-invalid", !!found);
    if (found) { element.setAttribute("title", found.join(" ")); }
    else { element.removeAttribute("title"); }
    var column = byName[cell.getField()];
    var value = cell.getValue();
    if (column.editor === "boolean" && value) {
      return value === column.true_value ? S.yes : value === column.false_value ? S.no : value;
    }
    return value === undefined || value === null ? "" : String(value);
  }

  function definition(c) {
    var label = {"aria-label": c.title};
    var d = {title: c.title + (c.required ? " *" : ""), field: c.name, formatter: formatter,
             headerTooltip: c.name + " — " + c.description + " " + c.expects,
             headerSort: false, minWidth: 110};
    if (c.locked) { d.editable = false; d.cssClass = "scdl-cell-locked"; return d; }
    if (c.editor === "list") {
      d.editor = "list";
      d.editorParams = {values: c.values, autocomplete: true, listOnEmpty: true,
                        freetext: true, allowEmpty: !c.required, elementAttributes: label};
    } else if (c.editor === "boolean") {
      var values = {};
      values[c.true_value] = S.yes;
      values[c.false_value] = S.no;
      d.editor = "list";
      d.editorParams = {values: values, allowEmpty: true, elementAttributes: label};
    } else if (c.editor === "date") {
      d.editor = "date";
      d.editorParams = {elementAttributes: label};
    } else if (c.editor === "number" || c.editor === "integer") {
      d.editor = "number";
      d.editorParams = {elementAttributes: label, step: c.editor === "integer" ? 1 : "any"};
      if (c.minimum !== null) { d.editorParams.min = c.minimum; }
      if (c.maximum !== null) { d.editorParams.max = c.maximum; }
    } else {
      d.editor = "input";
      d.editorParams = {elementAttributes: label};
    }
    return d;
  }

  var lang = document.documentElement.lang || "fr";
  var langs = {};
  langs[lang] = {
    data: {loading: S.loading, error: S.error},
    pagination: {page_size: S.page_size, page_title: S.page_title,
                 first: S.page_first, first_title: S.page_first_title,
                 last: S.page_last, last_title: S.page_last_title,
                 prev: S.page_prev, prev_title: S.page_prev_title,
                 next: S.page_next, next_title: S.page_next_title, all: S.rows,
                 counter: {showing: S.showing, of: S.of, rows: S.rows, pages: S.pages}}
  };

  var table = new Tabulator("#scdl-entry-grid", {
    locale: lang, langs: langs,
    layout: "fitDataFill", height: "auto",
    pagination: true, paginationMode: "remote", paginationSize: config.page_size,
    editTriggerEvent: "dblclick",
    ajaxURL: config.api.rows, ajaxParams: {id: config.entry},
    ajaxConfig: {method: "GET", credentials: "same-origin",
                 headers: {"Accept": "application/json"}},
    ajaxResponse: function (url, params, answer) {
      var result = answer.result || {last_page: 1, data: []};
      total = result.total || 0;
      result.data.forEach(function (row) { row._key = "k" + (nextKey++); row._left = true; });
      return result;
    },
    index: "_key",
    clipboard: true, clipboardPasteParser: "range", clipboardPasteAction: "range",
    selectableRange: 1, selectableRangeColumns: false,
    popupContainer: "main",
    columns: columns.map(definition)
  });
  window.scdlEntryTable = table;   // for the browser journeys

  var lastRow = null;
  function leave(row) {
    if (row && row.getData && alive(row) && !row.getData()._left) {
      row.getData()._left = true;
      markRow(row);
      listErrors();
    }
  }
  table.on("cellEdited", function (cell) {
    var row = cell.getRow();
    if (lastRow && lastRow !== row) { leave(lastRow); }
    lastRow = row;
    queue(row);
  });
  table.on("clipboardPasted", function (text, rowsData, rows) {
    (rows || []).forEach(function (row) {
      locked.forEach(function (c) { if (row.getData()[c.name] !== c.value) {
        var fix = {}; fix[c.name] = c.value; row.update(fix); } });
      queue(row);
    });
  });
  table.on("dataLoadError", function () { showProblem(S.session, true); });
  table.on("dataLoading", function () { flush(); });

  /* Tabulator puts role=grid on its outer box, which also holds the pager,
   * lets Tab stop on the header (where Enter edits nothing) and gives its
   * headers' descriptions to the mouse only: the grid's role goes to the
   * table's holder, the header leaves the tab order, descriptions go to
   * aria-description. */
  function a11y() {
    var element = table.element;
    var header = element.querySelector(".tabulator-header");
    var box = element.querySelector(".tabulator-tableholder");
    var body = element.querySelector(".tabulator-table");
    if (!header || !box || !body) { return; }
    header.id = header.id || "scdl-entry-grid-header";
    body.id = body.id || "scdl-entry-grid-body";
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", S.grid);
    element.removeAttribute("aria-owns");
    box.setAttribute("role", "grid");
    box.setAttribute("aria-label", S.grid);
    box.setAttribute("aria-owns", header.id + " " + body.id);
    header.removeAttribute("tabindex");
    table.getColumns().forEach(function (column) {
      var c = byName[column.getField()];
      if (c) {
        column.getElement().setAttribute("aria-description", c.description + " " + c.expects);
      }
    });
  }
  ["tableBuilt", "renderComplete", "pageLoaded", "dataProcessed"].forEach(function (name) {
    table.on(name, a11y);
  });

  function prefilled() {
    var row = {};
    locked.forEach(function (c) { row[c.name] = c.value; });
    return row;
  }

  /* The first page of rows, loaded: a row added before it arrives would be
   * wiped by it (a quick click on "Ajouter une ligne" as the page opens). */
  var firstPage = new Promise(function (resolve) { table.on("dataProcessed", resolve); });

  function addRow() {
    return firstPage.then(flush).then(function () {
      var last = Math.max(1, Math.ceil((total + 1) / config.page_size));
      return (table.getPage() === last) ? null : table.setPage(last);
    }).then(function () {
      return table.addRow(prefilled(), false);
    }).then(function (row) {
      keyOf(row);
      say(S.added_row);
      return saveRow(row).then(function () { return row; });
    });
  }

  document.getElementById("scdl-entry-add").addEventListener("click", function () {
    addRow().then(function (row) {
      var first = columns.filter(function (c) { return !c.locked; })[0];
      if (row && first) { row.getCell(first.name).edit(); }
    });
  });

  document.getElementById("scdl-entry-delete").addEventListener("click", function () {
    var ranges = table.getRanges ? table.getRanges() : [];
    var rows = ranges.length ? ranges[0].getRows() : [];
    if (!rows.length) { say(S.select_row); return; }
    var row = rows[0];
    if (!window.confirm(fill(S.confirm_delete, {row: rowNumber(row)}))) { return; }
    var id = row.getData()._id || ids[row.getData()._key];
    var done = id ? api(config.api.update, {id: config.entry, rows: [], delete: [id]})
                  : Promise.resolve();
    done.then(function () {
      row.delete();
      total = Math.max(0, total - 1);
      say(S.deleted);
      refreshForm();
    }).catch(failed);
  });

  var pasteButton = document.getElementById("scdl-entry-paste");
  pasteButton.addEventListener("click", function () {
    var area = document.getElementById("scdl-entry-paste-text");
    var lockedCells = locked.map(function (c) { return {name: c.name, value: c.value}; });
    flush().then(function () { return api(config.api.paste, {id: config.entry, text: area.value, locked: lockedCells})
      .then(function (result) {
        area.value = "";
        var text = fill(S.pasted, {num: result.added, converted: result.converted});
        if (result.ignored.length) {
          text += " " + fill(S.ignored, {names: result.ignored.join(", ")});
        }
        say(text);
        total = result.total;
        var last = Math.max(1, Math.ceil(result.total / config.page_size));
        return table.setPage(last);
      }); })
      .catch(failed);
  });

  /* The title is kept on change; saving the file waits for it, and sends it
     once more if it was typed but not yet kept (a click on the button right
     after typing must not lose it). */
  var title = document.getElementById("scdl-entry-title");
  var titleKept = title ? title.value : null;
  var titleSaving = Promise.resolve();
  function keepTitle() {
    if (!title || title.value === titleKept) { return titleSaving; }
    var value = title.value;
    titleSaving = titleSaving.catch(function () {}).then(function () {
      return api(config.api.update, {id: config.entry, rows: [], title: value});
    }).then(function () { titleKept = value; });
    return titleSaving;
  }
  if (title) {
    title.addEventListener("change", function () { keepTitle().catch(failed); });
  }

  document.getElementById("scdl-entry-save").addEventListener("click", function (event) {
    var button = event.currentTarget;
    table.getRows().forEach(leave);
    button.disabled = true;
    flush().then(function () {
      return Promise.all(Object.keys(chains).map(function (key) { return chains[key]; }));
    }).then(keepTitle).then(function () {
      if (Object.keys(pending).length) { button.disabled = false; return; }
      return api(config.api.save, {id: config.entry}).then(function (result) {
        say(S.saved_file);
        window.location.assign(result.url);
      });
    }).catch(function (error) { button.disabled = false; failed(error); });
  });

  /* On a phone: one row at a time, in a form of labelled fields. */
  var form = document.getElementById("scdl-entry-form");
  var fields = form.querySelector(".scdl-entry-form-fields");
  var position = form.querySelector(".scdl-entry-form-position");
  var phone = window.matchMedia("(max-width: 575.98px)");
  var current = 0;

  function input(c, value) {
    var wrapper = document.createElement("div");
    wrapper.className = "mb-2";
    var id = "scdl-entry-field-" + c.name;
    var label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = id;
    label.textContent = c.title + (c.required ? " *" : "");
    var field;
    if (c.editor === "list" || c.editor === "boolean") {
      field = document.createElement("select");
      field.className = "form-select";
      var options = c.editor === "list" ? c.values.map(function (v) { return [v, v]; })
        : [[c.true_value, S.yes], [c.false_value, S.no]];
      [["", S.choose]].concat(options).forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        field.appendChild(option);
      });
    } else {
      field = document.createElement("input");
      field.className = "form-control";
      field.type = c.editor === "date" ? "date" :
        (c.editor === "number" || c.editor === "integer") ? "number" : "text";
      if (c.editor === "integer") { field.step = "1"; }
      if (c.minimum !== null) { field.min = c.minimum; }
      if (c.maximum !== null) { field.max = c.maximum; }
    }
    field.id = id;
    field.name = c.name;
    field.value = value || "";
    if (c.locked) { field.readOnly = true; field.disabled = c.editor === "list"; }
    if (c.required) { field.setAttribute("aria-required", "true"); }
    var help = document.createElement("div");
    help.className = "form-text";
    help.id = id + "-help";
    help.textContent = c.expects;
    field.setAttribute("aria-describedby", help.id);
    wrapper.appendChild(label);
    wrapper.appendChild(field);
    wrapper.appendChild(help);
    return wrapper;
  }

  function refreshForm() {
    if (!phone.matches) { return; }
    var rows = table.getRows();
    fields.textContent = "";
    if (!rows.length) { position.textContent = S.no_row; return; }
    current = Math.min(current, rows.length - 1);
    var row = rows[current];
    var data = row.getData();
    var found = shown(data);
    position.textContent = fill(S.row_of, {row: rowNumber(row), total: total});
    columns.forEach(function (c) {
      var block = input(c, data[c.name]);
      if (found[c.name]) {
        var field = block.querySelector("input, select");
        field.classList.add("is-invalid");
        field.setAttribute("aria-invalid", "true");
        var error = document.createElement("div");
        error.className = "invalid-feedback d-block";
        error.id = field.id + "-error";
        error.textContent = found[c.name].join(" ");
        field.setAttribute("aria-describedby", field.getAttribute("aria-describedby") + " "
                           + error.id);
        block.appendChild(error);
      }
      fields.appendChild(block);
    });
    var save = document.createElement("button");
    save.type = "submit";
    save.className = "btn btn-primary mb-2";
    save.textContent = S.save_row;
    fields.appendChild(save);
  }

  fields.addEventListener("submit", function (event) {
    event.preventDefault();
    var row = table.getRows()[current];
    if (!row) { return; }
    var update = {};
    columns.forEach(function (c) {
      if (!c.locked) { update[c.name] = fields.elements[c.name].value; }
    });
    row.getData()._left = true;
    row.update(update);
    saveRow(row);
  });

  form.addEventListener("click", function (event) {
    var move = event.target.getAttribute && event.target.getAttribute("data-entry-form");
    if (!move) { return; }
    var rows = table.getRows();
    if (move === "previous") {
      if (current > 0) { current -= 1; refreshForm(); }
      else if (table.getPage() > 1) {
        table.previousPage().then(function () { current = table.getRows().length - 1;
                                                refreshForm(); });
      }
    } else if (move === "next") {
      if (current < rows.length - 1) { current += 1; refreshForm(); }
      else if (table.getPage() < table.getPageMax()) {
        table.nextPage().then(function () { current = 0; refreshForm(); });
      }
    } else if (move === "new") {
      addRow().then(function () { current = table.getRows().length - 1; refreshForm(); });
    }
  });

  function layout() {
    form.hidden = !phone.matches;
    document.getElementById("scdl-entry-grid").hidden = phone.matches;
    document.getElementById("scdl-entry-help").hidden = phone.matches;
    document.querySelector(".scdl-entry-tools").hidden = phone.matches;
    refreshForm();
  }
  if (phone.addEventListener) { phone.addEventListener("change", layout); }
  table.on("dataProcessed", layout);
  table.on("pageLoaded", function () { current = 0; refreshForm(); listErrors(); });
})();
