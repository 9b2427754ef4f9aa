/*
 * The "Fixing paper assignments" panel of an author page.
 *
 * The person ticks papers, chooses whom they belong to, gives an ORCID iD and an
 * institution, and Submit opens GitHub's new-issue page for our issue form with
 * every field pre-filled through the URL's query parameters. This file is the one
 * place that builds that URL. Its pure parts (ORCID iD checking, the URL, the issue
 * body as GitHub renders it) are exposed as `window.AuthorbotFix` for the tests.
 *
 * The page hands its settings over as JSON in #fix-settings (see bot/page/form.py):
 * newIssueUrl, template, title, urlLimit, pageId, authorPage, fields.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------ ORCID iDs

  var ORCID_URL_PREFIX = /^(?:https?:\/\/)?(?:www\.)?orcid\.org\//i;
  // Hyphens, Unicode dashes and spaces people put between the four groups.
  var ORCID_SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

  /** The ISO 7064 MOD 11-2 check character of the first fifteen digits. */
  function orcidCheckChar(first15) {
    var total = 0;
    for (var i = 0; i < first15.length; i++) {
      total = (total + Number(first15.charAt(i))) * 2;
    }
    var value = (12 - (total % 11)) % 11;
    return value === 10 ? "X" : String(value);
  }

  /**
   * Read what a person typed as an ORCID iD.
   * examples: iDs the forms show as examples (optional); typing one is not giving
   * one's own, and the engine ignores it.
   * Returns {status, orcid}: status is "empty", "ok", "incomplete" (only digits so
   * far, fewer than sixteen), "shape" (not an iD), "checksum" (the last character
   * does not match) or "example"; orcid is the hyphenated iD for "ok", "checksum"
   * and "example", else null.
   */
  function readOrcid(text, examples) {
    var value = String(text || "").trim();
    if (!value) {
      return { status: "empty", orcid: null };
    }
    value = value.replace(ORCID_URL_PREFIX, "").replace(/\/+$/, "");
    value = value.replace(ORCID_SEPARATORS, "").toUpperCase();
    if (/^[0-9]{15}[0-9X]$/.test(value)) {
      var orcid = value.replace(/^(.{4})(.{4})(.{4})(.{4})$/, "$1-$2-$3-$4");
      if (orcidCheckChar(value.slice(0, 15)) !== value.charAt(15)) {
        return { status: "checksum", orcid: orcid };
      }
      if ((examples || []).indexOf(orcid) >= 0) {
        return { status: "example", orcid: orcid };
      }
      return { status: "ok", orcid: orcid };
    }
    if (/^[0-9]{1,15}$/.test(value)) {
      return { status: "incomplete", orcid: null };
    }
    return { status: "shape", orcid: null };
  }

  var ORCID_MESSAGES = {
    incomplete:
      "This ORCID iD is incomplete: an iD has 16 digits (the last may be X), " +
      "like 0000-0002-1825-0097.",
    shape:
      "This is not an ORCID iD: an iD has 16 digits (the last may be X) in four " +
      "groups, like 0000-0002-1825-0097.",
    checksum:
      "This ORCID iD is not valid: its last character does not match the others. " +
      "Please check it for a typo.",
    example: "This is the example iD shown on the form, not yours: please give your own.",
    required: "A new author page needs the person's ORCID iD.",
  };

  // ------------------------------------------------- the issue and its URL

  /** Encode a query value; spaces as "+", which GitHub reads as spaces. */
  function encodeValue(value) {
    return encodeURIComponent(value).replace(/%20/g, "+");
  }

  /**
   * The issue body GitHub renders from the form's fields and their values, as
   * bot/engine/parse/render.py does: "### <label>", a blank line, the value (or
   * "_No response_"); checkboxes as "- [ ] <label>" lines (none ticked: the
   * page cannot tick them); fields joined by a blank line.
   */
  function renderBody(fields, values) {
    var parts = fields.map(function (field) {
      var rendered;
      if (field.type === "checkboxes") {
        rendered = (field.options || [])
          .map(function (label) {
            return "- [ ] " + label;
          })
          .join("\n");
      } else {
        var text = String(values[field.id] || "").trim();
        if (!text) {
          rendered = "_No response_";
        } else if (field.type === "textarea" && field.render) {
          rendered = "```" + field.render + "\n" + text + "\n```";
        } else {
          rendered = text;
        }
      }
      return "### " + field.label + "\n\n" + rendered;
    });
    return parts.join("\n\n");
  }

  /**
   * The new-issue URL: template, title, then every field of the form that takes
   * text, in form order (empty ones too). Labels are never passed: visitors may
   * not set them, the template adds them.
   */
  function buildIssueUrl(settings, values) {
    var query = [
      "template=" + encodeValue(settings.template),
      "title=" + encodeValue(settings.title),
    ];
    settings.fields.forEach(function (field) {
      if (field.type !== "checkboxes") {
        query.push(encodeValue(field.id) + "=" + encodeValue(values[field.id] || ""));
      }
    });
    return settings.newIssueUrl + "?" + query.join("&");
  }

  /** The note added to the Notes field when not every paper fits into the URL. */
  function truncationNote(included, total) {
    return (
      "The author page could pass only the first " + included + " of the " + total +
      " selected papers to this form (the link would have been too long). It offered " +
      "the complete request as text: edit this issue and replace its text with it."
    );
  }

  function joinNotes(notes, note) {
    notes = String(notes || "").trim();
    return notes ? notes + "\n\n" + note : note;
  }

  /**
   * The URL for a selection, within settings.urlLimit characters.
   * values: the field values without the papers; papers: the selected IDs.
   * Returns {url, included, total, truncated, body}: when everything fits,
   * `included === total`; otherwise the URL carries the first `included` papers
   * (the most that fit) and a note in Notes, and `body` is the complete issue
   * body to paste.
   */
  function fitIssueUrl(settings, values, papers) {
    var full = Object.assign({}, values, { papers: papers.join("\n") });
    var body = renderBody(settings.fields, full);
    var url = buildIssueUrl(settings, full);
    var total = papers.length;
    if (url.length <= settings.urlLimit) {
      return { url: url, included: total, total: total, truncated: false, body: body };
    }
    function attempt(count, keepNotes) {
      var note = truncationNote(count, total);
      return buildIssueUrl(
        settings,
        Object.assign({}, values, {
          papers: papers.slice(0, count).join("\n"),
          notes: keepNotes ? joinNotes(values.notes, note) : note,
        })
      );
    }
    // Long notes of the person's own are dropped before papers are; they are in
    // the text to paste all the same.
    var keepNotes = attempt(0, true).length <= settings.urlLimit;
    var low = 0;
    var high = total - 1; // `total` does not fit (checked above)
    while (low < high) {
      var middle = Math.ceil((low + high) / 2);
      if (attempt(middle, keepNotes).length <= settings.urlLimit) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return {
      url: attempt(low, keepNotes),
      included: low,
      total: total,
      truncated: true,
      body: body,
    };
  }

  window.AuthorbotFix = {
    orcidCheckChar: orcidCheckChar,
    readOrcid: readOrcid,
    renderBody: renderBody,
    buildIssueUrl: buildIssueUrl,
    fitIssueUrl: fitIssueUrl,
  };

  // ------------------------------------------------------------- the panel

  var settingsElement = document.getElementById("fix-settings");
  var form = document.getElementById("fix-form");
  if (!settingsElement || !form) {
    return; // a page without the panel (the 404 page)
  }
  var settings = JSON.parse(settingsElement.textContent);

  var panel = document.getElementById("fix-panel");
  var openButton = document.getElementById("fix-open");
  var submitButton = document.getElementById("fix-submit");
  var cancelButton = document.getElementById("fix-cancel");
  var countText = document.getElementById("fix-count");
  var missingText = document.getElementById("fix-missing");
  var orcidInput = document.getElementById("fix-orcid");
  var orcidMessage = document.getElementById("fix-orcid-message");
  var institutionInput = document.getElementById("fix-institution");
  var nameInput = document.getElementById("fix-name");
  var notesInput = document.getElementById("fix-notes");
  var result = document.getElementById("fix-result");
  var resultLink = document.getElementById("fix-result-link");
  var tooLong = document.getElementById("fix-toolong");
  var tooLongText = document.getElementById("fix-toolong-text");
  var tooLongBody = document.getElementById("fix-toolong-body");
  var tooLongLink = document.getElementById("fix-toolong-link");
  var copyButton = document.getElementById("fix-copy");
  var copyStatus = document.getElementById("fix-copy-status");
  var stickyBar = document.getElementById("fix-bar");
  var stickyCount = document.getElementById("fix-bar-count");
  var paperChecks = Array.prototype.slice.call(document.querySelectorAll("input.paper-check"));
  var yearChecks = Array.prototype.slice.call(document.querySelectorAll("input.year-check"));
  var orcidTouched = false;

  /** Change a text only when it differs, so live regions do not repeat themselves. */
  function setText(element, text) {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  }

  function selectedPapers() {
    return paperChecks
      .filter(function (box) {
        return box.checked;
      })
      .map(function (box) {
        return box.value;
      });
  }

  function chosenTarget() {
    var chosen = form.querySelector("input[name='target']:checked");
    return chosen ? chosen.value : "";
  }

  /** The ORCID iD of the listed person who already has the typed iD, if any. */
  function orcidOwner(orcid) {
    var owner = form.querySelector("input[name='target'][data-orcid='" + orcid + "']");
    return owner ? owner.value : null;
  }

  /** What is still missing, as short phrases; empty when Submit may go. */
  function problems() {
    var missing = [];
    var target = chosenTarget();
    var orcid = readOrcid(orcidInput.value, settings.exampleOrcids);
    if (selectedPapers().length === 0) {
      missing.push("select at least one paper");
    }
    if (!target) {
      missing.push("choose whom the papers belong to");
    }
    if (orcid.status !== "empty" && orcid.status !== "ok") {
      missing.push("correct the ORCID iD");
    } else if (target === "new" && orcid.status === "empty") {
      missing.push("give an ORCID iD");
    } else if (target === "new" && orcidOwner(orcid.orcid)) {
      missing.push("choose the existing page of this ORCID iD");
    }
    if (target === "new" && !institutionInput.value.trim()) {
      missing.push("give the institution of the highest degree");
    }
    return missing;
  }

  function showOrcidMessage() {
    var orcid = readOrcid(orcidInput.value, settings.exampleOrcids);
    var target = chosenTarget();
    var message = "";
    var kind = "error";
    if (orcid.status === "checksum" || orcid.status === "shape" || orcid.status === "example") {
      message = ORCID_MESSAGES[orcid.status];
    } else if (orcid.status === "incomplete" && orcidTouched) {
      message = ORCID_MESSAGES.incomplete;
    } else if (orcid.status === "empty" && target === "new" && orcidTouched) {
      message = ORCID_MESSAGES.required;
    } else if (orcid.status === "ok" && target === "new" && orcidOwner(orcid.orcid)) {
      message =
        "This ORCID iD belongs to " + orcidOwner(orcid.orcid) +
        ": choose that page above instead of a new one.";
    } else if (orcid.status === "ok") {
      message = "Valid ORCID iD: " + orcid.orcid;
      kind = "ok";
    }
    setText(orcidMessage, message);
    orcidMessage.className = "field-message " + (message ? kind : "");
    orcidInput.setAttribute("aria-invalid", message && kind === "error" ? "true" : "false");
  }

  function updateRequiredMarks() {
    var isNew = chosenTarget() === "new";
    Array.prototype.forEach.call(document.querySelectorAll(".needed-for-new"), function (mark) {
      mark.textContent = isNew ? "(required for a new page)" : "(optional)";
    });
    orcidInput.setAttribute("aria-required", isNew ? "true" : "false");
    institutionInput.setAttribute("aria-required", isNew ? "true" : "false");
  }

  function updateYearChecks() {
    yearChecks.forEach(function (yearBox) {
      var boxes = paperChecks.filter(function (box) {
        return box.getAttribute("data-year") === yearBox.getAttribute("data-year");
      });
      var ticked = boxes.filter(function (box) {
        return box.checked;
      }).length;
      yearBox.checked = ticked > 0 && ticked === boxes.length;
      yearBox.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }

  function describeCount(count) {
    if (count === 0) {
      return "No paper selected.";
    }
    return count === 1 ? "1 paper selected." : count + " papers selected.";
  }

  /** Bring everything shown in line with the selection and the fields. */
  function update() {
    var count = selectedPapers().length;
    updateYearChecks();
    updateRequiredMarks();
    showOrcidMessage();
    setText(countText, describeCount(count));
    setText(stickyCount, describeCount(count));
    paperChecks.forEach(function (box) {
      box.closest("li").classList.toggle("selected", box.checked);
    });
    var missing = problems();
    submitButton.disabled = missing.length > 0;
    setText(missingText, missing.length ? "To submit, " + missing.join("; ") + "." : "");
  }

  function hideOutcome() {
    result.hidden = true;
    tooLong.hidden = true;
    copyStatus.textContent = "";
  }

  function openPanel() {
    panel.hidden = false;
    stickyBar.hidden = false;
    document.body.classList.add("selecting");
    openButton.setAttribute("aria-expanded", "true");
    update();
    document.getElementById("fix-heading").focus();
  }

  function closePanel() {
    form.reset(); // also unticks the papers: their checkboxes belong to the form
    orcidTouched = false;
    hideOutcome();
    update();
    panel.hidden = true;
    stickyBar.hidden = true;
    document.body.classList.remove("selecting");
    openButton.setAttribute("aria-expanded", "false");
    openButton.focus();
  }

  function currentValues() {
    var orcid = readOrcid(orcidInput.value, settings.exampleOrcids);
    return {
      "author-page": settings.authorPage,
      target: chosenTarget(),
      orcid: orcid.status === "ok" ? orcid.orcid : "",
      institution: institutionInput.value.trim(),
      name: nameInput.value.trim(),
      notes: notesInput.value.trim(),
    };
  }

  function submit(event) {
    event.preventDefault();
    update();
    if (submitButton.disabled) {
      return;
    }
    hideOutcome();
    var fitted = fitIssueUrl(settings, currentValues(), selectedPapers());
    if (!fitted.truncated) {
      resultLink.href = fitted.url;
      result.hidden = false;
      window.open(fitted.url, "_blank", "noopener");
      return;
    }
    // Too long for one link: say so first, so that the text to paste is at hand
    // before GitHub's form opens (with the papers that fit).
    tooLongText.textContent =
      "Your selection of " + fitted.total + " papers is too long to pass to GitHub in " +
      "one link. GitHub's form will open with the first " + fitted.included + ".";
    tooLongBody.value = fitted.body;
    tooLongLink.href = fitted.url;
    tooLongLink.textContent =
      "Open GitHub's form (with " + fitted.included + " of " + fitted.total + " papers)";
    tooLong.hidden = false;
    document.getElementById("fix-toolong-heading").focus();
  }

  function copyBody() {
    function done(ok) {
      setText(copyStatus, ok ? "Copied." : "Could not copy: select the text and copy it.");
    }
    // The old command answers at once; the Clipboard API may wait on permissions,
    // so it is only the fallback.
    tooLongBody.focus();
    tooLongBody.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    if (copied || !(navigator.clipboard && window.isSecureContext)) {
      done(copied);
      return;
    }
    navigator.clipboard.writeText(tooLongBody.value).then(
      function () {
        done(true);
      },
      function () {
        done(false);
      }
    );
  }

  yearChecks.forEach(function (yearBox) {
    yearBox.addEventListener("change", function () {
      paperChecks.forEach(function (box) {
        if (box.getAttribute("data-year") === yearBox.getAttribute("data-year")) {
          box.checked = yearBox.checked;
        }
      });
      update();
    });
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  paperChecks.forEach(function (box) {
    // The checkboxes sit in the list, outside the form element (form="fix-form"),
    // so their events do not bubble to it.
    box.addEventListener("change", update);
  });
  orcidInput.addEventListener("blur", function () {
    orcidTouched = true;
    update();
  });
  openButton.addEventListener("click", openPanel);
  cancelButton.addEventListener("click", closePanel);
  form.addEventListener("submit", submit);
  copyButton.addEventListener("click", copyBody);

  openButton.hidden = false;
  document.body.classList.add("js");
  update();
})();
