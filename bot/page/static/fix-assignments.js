/*
 * The "Fixing paper assignments" panel of an author page.
 *
 * One file serves both pages that carry the panel: authorbot's own author pages
 * (bot/page/templates, served by Flask) and the Anthology's Hugo-built pages (the
 * partial in site/). Each page hands over its settings as JSON in #fix-settings and
 * an empty #fix-root where the panel goes; this script builds the panel, adds a
 * checkbox to every paper of the page's list and to every year heading, and on
 * Submit opens GitHub's new-issue page for our issue form with every field
 * pre-filled through the URL. It is the one place that builds that URL.
 *
 * Settings (see bot/page/form.py, page_settings, and site/README.md):
 *   newIssueUrl, template, title, urlLimit, fields, exampleOrcids: our issue form;
 *   pageId, authorPage, name, verified, orcid: the page shown;
 *   papers: [{id, year}] in page order (the titles are read from the list);
 *   targets: [{id, name, otherNames, orcid, about, firstYear, lastYear, count,
 *              latest, swapped}], the verified namesakes (shown most recently
 *              active first);
 *   peopleUrl: an author page's address with __ID__ for the ID;
 *   maintainersUrl: the Anthology's own form, for what authorbot cannot do;
 *   entrySelector (optional): the element that is one paper in the list.
 *
 * The pure parts (ORCID iDs, author page references, the URL, the issue body as
 * GitHub renders it) are exposed as `window.AuthorbotFix` for the tests.
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

  // ------------------------------------------------------ author page references

  var PERSON_ID = /^[a-z][-a-z0-9]+$/;
  var ANTHOLOGY_ADDRESS =
    /^(?:https?:\/\/)?(?:www\.)?(?:aclanthology\.org|aclweb\.org\/anthology)(\/[^?#]*)?(?:[?#].*)?$/i;

  /**
   * Read what a person typed to name an author page: an ID (`jin-liu-4161`) or an
   * address (`https://aclanthology.org/people/jin-liu-4161/`, also http://, www.,
   * no trailing slash, the old letter folder `/people/j/jin-liu/`), as
   * bot/engine/parse/links.py reads it.
   * Returns {status, id}: status is "empty", "ok" (id is a verified person's ID),
   * "unverified" (id is `slug/unverified`), "not-a-page" (an address of the
   * Anthology that is not an author page, or an address elsewhere) or "shape".
   */
  function readPageRef(text) {
    var value = String(text || "").trim();
    if (!value) {
      return { status: "empty", id: null };
    }
    var match = ANTHOLOGY_ADDRESS.exec(value);
    var segments;
    if (match) {
      segments = (match[1] || "").split("/").filter(Boolean);
      if (segments[0] !== "people") {
        return { status: "not-a-page", id: null };
      }
      segments = segments.slice(1);
    } else if (
      /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ||
      /^(?:www\.)?[^\s/]+\.[a-z]{2,}\//i.test(value)
    ) {
      return { status: "not-a-page", id: null };
    } else {
      segments = value.replace(/^\/+|\/+$/g, "").split("/");
      if (segments[0] === "people") {
        segments = segments.slice(1);
      }
    }
    segments = segments.map(function (part) {
      return part.toLowerCase();
    });
    // The old site filed pages under their first letter (`/people/j/jin-liu/`).
    if (segments.length >= 2 && segments[0].length === 1 && segments[1].charAt(0) === segments[0]) {
      segments = segments.slice(1);
    }
    var id = (segments[0] || "").replace(/\.html$/, "");
    if (!PERSON_ID.test(id)) {
      return { status: "shape", id: null };
    }
    if (segments[1] === "unverified") {
      return { status: "unverified", id: id + "/unverified" };
    }
    if (segments.length > 1) {
      return { status: "shape", id: null };
    }
    return { status: "ok", id: id };
  }

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

  /** The note put in Notes when the person's own notes had to be cut short. */
  var NOTES_CUT_NOTE =
    "The author page had to cut these notes short (the link would have been too long). " +
    "It offered the complete request as text: edit this issue and replace its text with it.";

  /** The note put in Notes when not every paper fits into the URL. */
  function papersCutNote(included, total) {
    return (
      "The author page could pass only the first " +
      included +
      " of the " +
      total +
      " selected papers to this form (the link would have been too long). It offered " +
      "the complete request as text: edit this issue and replace its text with it."
    );
  }

  /** The largest n in [low, high] for which fits(n) holds, given fits(low). */
  function largestFitting(low, high, fits) {
    while (low < high) {
      var middle = Math.ceil((low + high) / 2);
      if (fits(middle)) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  /**
   * The URL for a selection, within settings.urlLimit characters.
   * values: the field values without the papers; papers: the selected IDs.
   * Returns {url, included, total, truncated, notesCut, body}. When everything
   * fits, `truncated` is false. Otherwise the person's own notes are cut short
   * first (every paper kept, `notesCut`); only when the papers alone are too long
   * are papers left out (`included < total`, the notes replaced by a note saying
   * so). `body` is always the complete issue body, to paste.
   */
  function fitIssueUrl(settings, values, papers) {
    var limit = settings.urlLimit;
    var total = papers.length;
    var full = Object.assign({}, values, { papers: papers.join("\n") });
    var body = renderBody(settings.fields, full);
    var url = buildIssueUrl(settings, full);
    if (url.length <= limit) {
      return {
        url: url,
        included: total,
        total: total,
        truncated: false,
        notesCut: false,
        body: body,
      };
    }
    // First the notes: cut at a character (not inside a surrogate pair) and say so.
    var notes = Array.from(String(values.notes || "").trim());
    function withNotes(length) {
      var kept = notes.slice(0, length).join("").trim();
      return buildIssueUrl(
        settings,
        Object.assign({}, full, {
          notes: kept ? kept + " [\u2026]\n\n" + NOTES_CUT_NOTE : NOTES_CUT_NOTE,
        })
      );
    }
    if (notes.length && withNotes(0).length <= limit) {
      var length = largestFitting(0, notes.length - 1, function (n) {
        return withNotes(n).length <= limit;
      });
      return {
        url: withNotes(length),
        included: total,
        total: total,
        truncated: true,
        notesCut: true,
        body: body,
      };
    }
    // Then the papers: as many as fit, in page order, and a note in place of the notes.
    function withPapers(count) {
      return buildIssueUrl(
        settings,
        Object.assign({}, values, {
          papers: papers.slice(0, count).join("\n"),
          notes: papersCutNote(count, total),
        })
      );
    }
    var included = largestFitting(0, total - 1, function (n) {
      return withPapers(n).length <= limit;
    });
    return {
      url: withPapers(included),
      included: included,
      total: total,
      truncated: true,
      notesCut: notes.length > 0,
      body: body,
    };
  }

  window.AuthorbotFix = {
    orcidCheckChar: orcidCheckChar,
    readOrcid: readOrcid,
    readPageRef: readPageRef,
    renderBody: renderBody,
    buildIssueUrl: buildIssueUrl,
    fitIssueUrl: fitIssueUrl,
  };

  /**
   * The order namesakes are shown in: the most recently active first (their latest
   * year, then their paper count), people with no paper last, then by ID.
   */
  function byActivity(a, b) {
    var yearA = Number(a.lastYear) || 0;
    var yearB = Number(b.lastYear) || 0;
    if (yearA !== yearB) {
      return yearB - yearA;
    }
    if (a.count !== b.count) {
      return b.count - a.count;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  // ------------------------------------------------------------- the page

  var settingsElement = document.getElementById("fix-settings");
  var root = document.getElementById("fix-root");
  if (!settingsElement || !root) {
    return; // a page without the panel
  }
  var settings = JSON.parse(settingsElement.textContent);
  var targets = (settings.targets || []).slice().sort(byActivity);
  var FEW_TARGETS = 7; // up to this many namesakes are all shown at once
  var FIRST_TARGETS = 5; // otherwise this many, and a button for the rest

  /** A new element: tag, attributes (`text` sets the text, `class` the class). */
  function make(tag, attributes, children) {
    var element = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      var value = attributes[key];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (key === "text") {
        element.textContent = value;
      } else if (key === "class") {
        element.className = value;
      } else {
        element.setAttribute(key, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return element;
  }

  function hiddenText(text) {
    return make("span", { class: "abfix-vh", text: text });
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function pageHref(id) {
    return String(settings.peopleUrl || "/people/__ID__/").replace("__ID__", id);
  }

  // -------------------------------------------- the paper list: checkboxes

  /** The paper ID a link points to (its path is `/<id>/`), if it is one of the page's. */
  function paperIdOf(link, wanted) {
    return wanted[link.pathname.replace(/\/$/, "")] || null;
  }

  function wantedPaths() {
    var wanted = {};
    settings.papers.forEach(function (paper) {
      wanted["/" + paper.id] = paper.id;
    });
    return wanted;
  }

  /** The papers' title links, by paper ID: the first link to each paper. */
  function paperLinks(wanted) {
    var found = {};
    Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (link) {
      var id = paperIdOf(link, wanted);
      if (id && !found[id] && !root.contains(link)) {
        found[id] = link;
      }
    });
    return found;
  }

  /**
   * The element that is one paper in the list: the one matching
   * settings.entrySelector, else the largest block around its title link that
   * holds neither another paper's link nor a heading.
   */
  function entryOf(link, id, wanted) {
    if (settings.entrySelector) {
      var chosen = link.closest(settings.entrySelector);
      if (chosen) {
        return chosen;
      }
    }
    var entry = link;
    while (entry.parentElement && entry.parentElement !== document.body) {
      var parent = entry.parentElement;
      if (parent.querySelector("h1, h2, h3, h4, h5, h6") || parent.contains(root)) {
        break;
      }
      var other = Array.prototype.some.call(parent.querySelectorAll("a[href]"), function (a) {
        var found = paperIdOf(a, wanted);
        return found !== null && found !== id;
      });
      if (other) {
        break;
      }
      entry = parent;
    }
    return entry;
  }

  /** The heading just before an element in document order, or null. */
  function headingBefore(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (
        var sibling = node.previousElementSibling;
        sibling;
        sibling = sibling.previousElementSibling
      ) {
        if (/^H[1-6]$/.test(sibling.tagName)) {
          return sibling;
        }
        var inside = sibling.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inside.length) {
          return inside[inside.length - 1];
        }
      }
    }
    return null;
  }

  var paperChecks = [];
  var yearChecks = [];

  function addPaperChecks() {
    var wanted = wantedPaths();
    var links = paperLinks(wanted);
    var firstOfYear = {};
    settings.papers.forEach(function (paper) {
      var link = links[paper.id];
      if (!link) {
        return; // not in the list (the page hides it): it cannot be ticked
      }
      var entry = entryOf(link, paper.id, wanted);
      var box = make("input", {
        type: "checkbox",
        class: "paper-check abfix-check",
        value: paper.id,
        "data-year": paper.year,
      });
      var title = link.textContent.replace(/\s+/g, " ").trim() || paper.id;
      var pick = make("label", { class: "abfix-pick" }, [box, hiddenText("Select " + title)]);
      entry.classList.add("abfix-entry");
      entry.insertBefore(pick, entry.firstChild);
      paperChecks.push(box);
      if (!(paper.year in firstOfYear)) {
        firstOfYear[paper.year] = entry;
      }
    });
    Object.keys(firstOfYear).forEach(function (year) {
      var heading = headingBefore(firstOfYear[year]);
      if (!heading || heading.textContent.trim() !== year) {
        return;
      }
      var box = make("input", {
        type: "checkbox",
        class: "year-check abfix-check",
        "data-year": year,
      });
      heading.classList.add("abfix-year");
      heading.insertBefore(
        make("label", { class: "abfix-pick" }, [box, hiddenText("Select all papers of " + year)]),
        heading.firstChild
      );
      yearChecks.push(box);
    });
  }

  // ---------------------------------------------------------- the panel

  function targetFacts(target) {
    var facts = [];
    if (target.firstYear && target.lastYear) {
      facts.push(
        target.firstYear === target.lastYear
          ? target.firstYear
          : target.firstYear + "\u2013" + target.lastYear
      );
    }
    facts.push(plural(target.count, "paper"));
    if (target.orcid) {
      facts.push("ORCID " + target.orcid);
    }
    return facts.join(" \u00b7 ");
  }

  function targetRow(target, index) {
    var id = "fix-target-" + (index + 1);
    var lines = [
      make("span", { class: "abfix-target-name" }, [
        target.name + " ",
        make("code", { text: target.id }),
        target.swapped
          ? make("span", { class: "abfix-tag", text: " name in the other order" })
          : null,
      ]),
    ];
    if (target.otherNames && target.otherNames.length) {
      lines.push(
        make("span", { class: "abfix-fact", text: "Also " + target.otherNames.join(", ") })
      );
    }
    lines.push(make("span", { class: "abfix-fact", text: targetFacts(target) }));
    if (target.about) {
      lines.push(make("span", { class: "abfix-fact", text: target.about }));
    }
    if (target.latest) {
      lines.push(
        make("span", { class: "abfix-fact abfix-latest", text: "Latest: " + target.latest })
      );
    }
    return make(
      "div",
      {
        class:
          "abfix-target" +
          (index >= FIRST_TARGETS && targets.length > FEW_TARGETS ? " abfix-more" : ""),
      },
      [
        make("input", {
          type: "radio",
          name: "target",
          id: id,
          class: "form-check-input abfix-check",
          value: target.id,
          "data-kind": "person",
          "data-orcid": target.orcid || null,
        }),
        make("label", { for: id, class: "abfix-target-label" }, lines),
      ]
    );
  }

  function choiceRow(kind, label, facts, extra) {
    var id = "fix-target-" + kind;
    return make("div", { class: "abfix-target abfix-choice" }, [
      make("input", {
        type: "radio",
        name: "target",
        id: id,
        class: "form-check-input abfix-check",
        value: kind,
        "data-kind": kind,
      }),
      make("label", { for: id, class: "abfix-target-label" }, [
        make("span", { class: "abfix-target-name", text: label }),
        facts ? make("span", { class: "abfix-fact", text: facts }) : null,
      ]),
      extra || null,
    ]);
  }

  function field(id, label, note, hint, input) {
    var described = [];
    var children = [
      make("label", { for: id, class: "form-label" }, [
        label + " ",
        note ? make("span", { class: note.className, text: note.text }) : null,
      ]),
    ];
    if (hint) {
      children.push(make("p", { class: "form-text abfix-hint", id: id + "-hint", text: hint }));
      described.push(id + "-hint");
    }
    children.push(input);
    if (input.id === "fix-orcid") {
      described.push("fix-orcid-message");
      children.push(
        make("p", { class: "abfix-message", id: "fix-orcid-message", "aria-live": "polite" })
      );
    }
    if (described.length) {
      input.setAttribute("aria-describedby", described.join(" "));
    }
    return make("div", { class: "abfix-field" }, children);
  }

  function buildPanel() {
    var hiddenCount = targets.length > FEW_TARGETS ? targets.length - FIRST_TARGETS : 0;
    var rows = targets.map(targetRow);
    var otherInput = make("input", {
      type: "text",
      id: "fix-other",
      class: "form-control",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: "300",
      placeholder: "jin-liu-4161 or https://aclanthology.org/people/jin-liu-4161/",
      "aria-label": "ID or address of the author page",
      "aria-describedby": "fix-other-message",
    });
    var otherBox = make("div", { class: "abfix-other", id: "fix-other-box", hidden: true }, [
      otherInput,
      make("p", { class: "abfix-message", id: "fix-other-message", "aria-live": "polite" }),
    ]);
    var unknownNote = make(
      "div",
      { class: "alert alert-secondary abfix-note", id: "fix-unknown-note", hidden: true },
      [
        make("p", {
          text:
            "authorbot can move papers only to a person: to their existing author page, " +
            "or to a new one made with their ORCID iD. If you know who wrote these papers, " +
            "choose them above. If you do not, the Anthology's maintainers can check the " +
            "PDFs and fix the page by hand:",
        }),
        make("p", {}, [
          make("a", {
            id: "fix-maintainers-link",
            href: settings.maintainersUrl || "#",
            target: "_blank",
            rel: "noopener",
            text: "Tell the maintainers (opens GitHub in a new tab)",
          }),
        ]),
      ]
    );
    var choices = [
      choiceRow("other", "Another existing author page", "named by its ID or address", otherBox),
      choiceRow(
        "new",
        "A new author page",
        "for a person who has none yet: their ORCID iD is needed"
      ),
    ];
    if (settings.verified) {
      choices.push(
        choiceRow(
          "unknown",
          "Not " + settings.name + "\u2019s, and I do not know whose",
          null,
          unknownNote
        )
      );
    }
    var more = hiddenCount
      ? make("button", {
          type: "button",
          id: "fix-more",
          class: "btn btn-link abfix-more-button",
          "aria-expanded": "false",
          text:
            "Show " +
            hiddenCount +
            " more " +
            (hiddenCount === 1 ? "person" : "people") +
            " with this name (" +
            targets.length +
            " in all)",
        })
      : null;

    var legend = settings.verified
      ? "Whose papers are they? They leave " +
        settings.name +
        "\u2019s page for the author you choose."
      : "Whose papers are they? Choose the author they should be assigned to.";
    var panel = make(
      "section",
      {
        id: "fix-panel",
        class: "abfix-panel",
        "aria-labelledby": "fix-heading",
        hidden: true,
      },
      [
        make("form", { id: "fix-form", novalidate: true }, [
          make("h2", { id: "fix-heading", tabindex: "-1", text: "Fixing paper assignments" }),
          make("p", {
            class: "abfix-hint",
            text: "Esc closes the panel and keeps your choices; Cancel clears them.",
          }),
          make("div", { class: "abfix-step" }, [
            make("p", {}, [
              make("span", { class: "abfix-step-number", text: "1. " }),
              "Select in the list of papers all papers that belong to the same person.",
            ]),
            make("p", {
              id: "fix-count",
              class: "abfix-count",
              "aria-live": "polite",
              text: "No paper selected.",
            }),
          ]),
          make("fieldset", { class: "abfix-step abfix-targets" }, [
            make("legend", {}, [make("span", { class: "abfix-step-number", text: "2. " }), legend]),
            targets.length
              ? make("p", {
                  class: "abfix-hint",
                  text: plural(targets.length, "verified author") + " with this name:",
                })
              : null,
            make(
              "div",
              { class: "abfix-target-list", id: "fix-targets" },
              rows.concat(more ? [more] : []).concat(choices)
            ),
            make("p", { class: "abfix-target-page", id: "fix-target-page", hidden: true }, [
              make("a", { id: "fix-target-link", href: "#", target: "_blank", rel: "noopener" }),
            ]),
          ]),
          make("div", { class: "abfix-step", id: "fix-facts" }, [
            make("p", {}, [
              make("span", { class: "abfix-step-number", text: "3. " }),
              "About the author the papers belong to:",
            ]),
            field(
              "fix-orcid",
              "ORCID iD",
              { className: "abfix-needed-for-new", text: "(optional)" },
              "Used to match future papers to this author. E.g. 0000-0002-1825-0097.",
              make("input", {
                type: "text",
                id: "fix-orcid",
                name: "orcid",
                class: "form-control",
                inputmode: "text",
                autocomplete: "off",
                spellcheck: "false",
                maxlength: "60",
              })
            ),
            field(
              "fix-institution",
              "Institution of highest (anticipated) degree",
              { className: "abfix-needed-for-new", text: "(optional)" },
              "The school only, e.g. University of Edinburgh. Used to form the new author page ID, if needed.",
              make("input", {
                type: "text",
                id: "fix-institution",
                name: "institution",
                class: "form-control",
                maxlength: "300",
                autocomplete: "organization",
              })
            ),
            field(
              "fix-name",
              "Preferred name",
              { className: "abfix-optional", text: "(optional)" },
              "The name the author page should show, given names first, e.g. Jin Liu.",
              make("input", {
                type: "text",
                id: "fix-name",
                name: "name",
                class: "form-control",
                maxlength: "200",
                autocomplete: "name",
              })
            ),
            field(
              "fix-notes",
              "Notes for the maintainers",
              { className: "abfix-optional", text: "(optional)" },
              null,
              make("textarea", {
                id: "fix-notes",
                name: "notes",
                class: "form-control",
                rows: "3",
                maxlength: "2000",
              })
            ),
          ]),
          make("p", { id: "fix-missing", class: "abfix-missing", "aria-live": "polite" }),
          make("div", { class: "abfix-actions" }, [
            make("button", {
              type: "submit",
              id: "fix-submit",
              class: "btn btn-primary",
              disabled: true,
              text: "Submit",
            }),
            make("button", {
              type: "button",
              id: "fix-cancel",
              class: "btn btn-outline-secondary",
              text: "Cancel",
            }),
          ]),
          make(
            "div",
            {
              id: "fix-result",
              class: "alert alert-success abfix-outcome",
              role: "status",
              tabindex: "-1",
              hidden: true,
            },
            [
              make("p", { id: "fix-result-text" }),
              make("p", {}, [
                make("a", {
                  id: "fix-result-link",
                  href: "#",
                  target: "_blank",
                  rel: "noopener",
                  text: "Open GitHub's form",
                }),
              ]),
            ]
          ),
          make(
            "section",
            {
              id: "fix-toolong",
              class: "alert alert-warning abfix-outcome",
              "aria-labelledby": "fix-toolong-heading",
              hidden: true,
            },
            [
              make("h3", {
                id: "fix-toolong-heading",
                tabindex: "-1",
                text: "Too long for one link",
              }),
              make("p", { id: "fix-toolong-text" }),
              make("ol", {}, [
                make("li", { text: "Copy the complete request below." }),
                make("li", { text: "Open GitHub's form and create the issue." }),
                make("li", {
                  text:
                    "On the new issue, choose \u201cEdit\u201d and replace its whole text with the " +
                    "copied text; authorbot reads the issue again after every edit.",
                }),
              ]),
              make("label", {
                for: "fix-toolong-body",
                class: "form-label",
                text: "The complete request",
              }),
              make("textarea", {
                id: "fix-toolong-body",
                class: "form-control",
                rows: "8",
                readonly: true,
              }),
              make("p", { class: "abfix-actions" }, [
                make("button", {
                  type: "button",
                  id: "fix-copy",
                  class: "btn btn-outline-secondary",
                  text: "Copy the text",
                }),
                make("span", { id: "fix-copy-status", role: "status" }),
              ]),
              make("p", {}, [
                make("a", {
                  id: "fix-toolong-link",
                  class: "btn btn-primary",
                  href: "#",
                  target: "_blank",
                  rel: "noopener",
                }),
              ]),
            ]
          ),
          make("p", {
            class: "abfix-hint",
            text:
              "Submit opens a pre-filled issue on GitHub (you need a GitHub account); " +
              "authorbot answers there.",
          }),
        ]),
      ]
    );
    return panel;
  }

  var openButton = make("button", {
    type: "button",
    id: "fix-open",
    class: "btn btn-primary abfix-open",
    "aria-expanded": "false",
    "aria-controls": "fix-panel",
    text: "Fix paper assignments",
  });
  var panel = buildPanel();
  var stickyBar = make("div", { id: "fix-bar", class: "abfix-bar", hidden: true }, [
    make("span", { id: "fix-bar-count", text: "No paper selected." }),
    make("a", { href: "#fix-panel", id: "fix-bar-link", text: "Back to the panel" }),
  ]);
  root.appendChild(openButton);
  root.appendChild(panel);
  document.body.appendChild(stickyBar);
  addPaperChecks();

  function byId(id) {
    return document.getElementById(id);
  }
  var form = byId("fix-form");
  var submitButton = byId("fix-submit");
  var countText = byId("fix-count");
  var missingText = byId("fix-missing");
  var orcidInput = byId("fix-orcid");
  var orcidMessage = byId("fix-orcid-message");
  var institutionInput = byId("fix-institution");
  var nameInput = byId("fix-name");
  var notesInput = byId("fix-notes");
  var otherInput = byId("fix-other");
  var otherMessage = byId("fix-other-message");
  var result = byId("fix-result");
  var resultText = byId("fix-result-text");
  var resultLink = byId("fix-result-link");
  var tooLong = byId("fix-toolong");
  var tooLongBody = byId("fix-toolong-body");
  var copyStatus = byId("fix-copy-status");
  var stickyCount = byId("fix-bar-count");
  var radios = Array.prototype.slice.call(form.querySelectorAll("input[name='target']"));
  var orcidTouched = false;
  var panelInView = false;

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

  /** The listed verified people by ORCID iD, with the page's own person. */
  function orcidOwners() {
    var owners = {};
    targets.forEach(function (target) {
      if (target.orcid) {
        owners[target.orcid] = target.id;
      }
    });
    if (settings.verified && settings.orcid) {
      owners[settings.orcid] = settings.pageId;
    }
    return owners;
  }
  var ORCID_OWNERS = orcidOwners();

  function targetById(id) {
    for (var i = 0; i < targets.length; i++) {
      if (targets[i].id === id) {
        return targets[i];
      }
    }
    return null;
  }

  /**
   * What is chosen in step 2: {kind, id, orcid, problem}. kind is "" (nothing
   * yet), "person" (a listed namesake), "other" (an ID typed in), "new" or
   * "unknown"; id is the target's person ID; orcid its iD when known; problem a
   * message about the typed page reference.
   */
  function chosenTarget() {
    var radio = form.querySelector("input[name='target']:checked");
    if (!radio) {
      return { kind: "", id: null, orcid: null, problem: null };
    }
    var kind = radio.getAttribute("data-kind");
    if (kind === "person") {
      return {
        kind: kind,
        id: radio.value,
        orcid: radio.getAttribute("data-orcid"),
        problem: null,
      };
    }
    if (kind !== "other") {
      return { kind: kind, id: null, orcid: null, problem: null };
    }
    var ref = readPageRef(otherInput.value);
    var problem = null;
    if (ref.status === "empty") {
      problem = "";
    } else if (ref.status === "unverified") {
      problem =
        ref.id +
        " is an unverified page: papers can be assigned to a verified author page " +
        "(an ID like jin-liu-4161) or to a new one.";
    } else if (ref.status === "not-a-page") {
      problem =
        "This address is not an author page: author pages look like " +
        "https://aclanthology.org/people/jin-liu-4161/.";
    } else if (ref.status === "shape") {
      problem =
        "This is neither an author page ID nor its address: IDs look like jin-liu-4161, " +
        "addresses like https://aclanthology.org/people/jin-liu-4161/.";
    } else if (ref.id === settings.pageId) {
      problem = "That is this page: name the author page the papers should move to.";
    }
    if (problem !== null) {
      return { kind: kind, id: null, orcid: null, problem: problem };
    }
    var listed = targetById(ref.id);
    return { kind: kind, id: ref.id, orcid: listed ? listed.orcid : null, problem: null };
  }

  /**
   * What the typed ORCID iD says against the chosen target: null when it fits,
   * else {missing, message}.
   */
  function orcidConflict(orcid, target) {
    if (orcid.status !== "ok") {
      return null;
    }
    var owner = ORCID_OWNERS[orcid.orcid];
    if (target.kind === "new" && owner === settings.pageId) {
      return {
        missing: "choose the author the papers belong to",
        message:
          "This ORCID iD is that of " +
          settings.pageId +
          ", the author of this page. " +
          "If the papers are theirs, they need not move; otherwise please check the iD.",
      };
    }
    if (target.kind === "new" && owner) {
      return {
        missing: "choose the existing page of this ORCID iD",
        message:
          "This ORCID iD belongs to " + owner + ": choose that page above instead of a new one.",
      };
    }
    if ((target.kind === "person" || target.kind === "other") && target.id) {
      if (target.orcid && target.orcid !== orcid.orcid) {
        return {
          missing: "correct the ORCID iD or choose another author",
          message:
            target.id +
            " has the ORCID iD " +
            target.orcid +
            ", not " +
            orcid.orcid +
            ". " +
            "If the papers are by someone else, choose that person's page or a new page; " +
            "otherwise correct the iD, or leave it empty.",
        };
      }
      if (owner && owner !== target.id) {
        return {
          missing: "correct the ORCID iD or choose another author",
          message:
            "This ORCID iD belongs to " +
            owner +
            ", not to " +
            target.id +
            ": choose " +
            owner +
            (owner === settings.pageId ? " (this page)" : "") +
            " or correct the iD.",
        };
      }
    }
    return null;
  }

  /** What is still missing, as short phrases; empty when Submit may go. */
  function problems() {
    var missing = [];
    var target = chosenTarget();
    var orcid = readOrcid(orcidInput.value, settings.exampleOrcids);
    if (selectedPapers().length === 0) {
      missing.push("select at least one paper");
    }
    if (!target.kind) {
      missing.push("choose whom the papers belong to");
    } else if (target.kind === "unknown") {
      // The fields about the author are hidden then: nothing else to ask for.
      missing.push("choose whom the papers belong to (authorbot needs an author to move them to)");
      return missing;
    } else if (target.kind === "other" && !target.id) {
      missing.push("give the ID or address of the author page");
    }
    var conflict = orcidConflict(orcid, target);
    if (orcid.status !== "empty" && orcid.status !== "ok") {
      missing.push("correct the ORCID iD");
    } else if (target.kind === "new" && orcid.status === "empty") {
      missing.push("give an ORCID iD");
    } else if (conflict) {
      missing.push(conflict.missing);
    }
    if (target.kind === "new" && !institutionInput.value.trim()) {
      missing.push("give the institution of the highest degree");
    }
    return missing;
  }

  function showMessage(element, input, message, kind) {
    setText(element, message);
    element.className = "abfix-message" + (message ? " abfix-" + kind : "");
    if (input) {
      input.setAttribute("aria-invalid", message && kind === "error" ? "true" : "false");
    }
  }

  function showOrcidMessage(target) {
    var orcid = readOrcid(orcidInput.value, settings.exampleOrcids);
    var conflict = orcidConflict(orcid, target);
    var message = "";
    var kind = "error";
    if (orcid.status === "checksum" || orcid.status === "shape" || orcid.status === "example") {
      message = ORCID_MESSAGES[orcid.status];
    } else if (orcid.status === "incomplete" && orcidTouched) {
      message = ORCID_MESSAGES.incomplete;
    } else if (orcid.status === "empty" && target.kind === "new" && orcidTouched) {
      message = ORCID_MESSAGES.required;
    } else if (conflict) {
      message = conflict.message;
    } else if (orcid.status === "ok") {
      message = "Valid ORCID iD: " + orcid.orcid;
      kind = "ok";
    }
    showMessage(orcidMessage, orcidInput, message, kind);
  }

  function showTarget(target) {
    byId("fix-other-box").hidden = target.kind !== "other";
    if (byId("fix-unknown-note")) {
      byId("fix-unknown-note").hidden = target.kind !== "unknown";
    }
    byId("fix-facts").hidden = target.kind === "unknown";
    if (target.kind === "other") {
      if (target.problem) {
        showMessage(otherMessage, otherInput, target.problem, "error");
      } else if (target.id) {
        showMessage(
          otherMessage,
          otherInput,
          "The papers go to " + target.id + " (authorbot checks that this author page exists).",
          "ok"
        );
      } else {
        showMessage(otherMessage, otherInput, "", "ok");
      }
    }
    var pageLine = byId("fix-target-page");
    var link = byId("fix-target-link");
    pageLine.hidden = !target.id;
    if (target.id) {
      link.href = pageHref(target.id);
      setText(link, "Open the author page of " + target.id + " (new tab)");
    }
    var isNew = target.kind === "new";
    Array.prototype.forEach.call(panel.querySelectorAll(".abfix-needed-for-new"), function (mark) {
      setText(mark, isNew ? "(required for a new page)" : "(optional)");
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
    var target = chosenTarget();
    updateYearChecks();
    showTarget(target);
    showOrcidMessage(target);
    setText(countText, describeCount(count));
    setText(stickyCount, describeCount(count));
    paperChecks.forEach(function (box) {
      box.closest(".abfix-entry").classList.toggle("abfix-selected", box.checked);
    });
    var missing = problems();
    submitButton.disabled = missing.length > 0;
    setText(missingText, missing.length ? "To submit, " + missing.join("; ") + "." : "");
    updateBar();
  }

  function isOpen() {
    return !panel.hidden;
  }

  /** The phone's bar shows only while no part of the panel is in view. */
  function updateBar() {
    stickyBar.hidden = !isOpen() || panelInView;
  }

  function hideOutcome() {
    result.hidden = true;
    tooLong.hidden = true;
    copyStatus.textContent = "";
  }

  function openPanel() {
    panel.hidden = false;
    openButton.hidden = true;
    openButton.setAttribute("aria-expanded", "true");
    document.body.classList.add("abfix-open");
    update();
    byId("fix-heading").focus();
  }

  /** Close the panel; `clear` also forgets the selection and the fields. */
  function closePanel(clear) {
    if (clear) {
      form.reset();
      paperChecks.concat(yearChecks).forEach(function (box) {
        box.checked = false;
        box.indeterminate = false;
      });
      orcidTouched = false;
      hideOutcome();
    }
    panel.hidden = true;
    openButton.hidden = false;
    openButton.setAttribute("aria-expanded", "false");
    document.body.classList.remove("abfix-open");
    update();
    openButton.focus();
  }

  function showMoreTargets() {
    var more = byId("fix-more");
    var hidden = Array.prototype.slice.call(panel.querySelectorAll(".abfix-target.abfix-more"));
    hidden.forEach(function (row) {
      row.classList.remove("abfix-more");
    });
    more.setAttribute("aria-expanded", "true");
    more.hidden = true;
    if (hidden.length) {
      hidden[0].querySelector("input").focus();
    }
  }

  function currentValues() {
    var orcid = readOrcid(orcidInput.value, settings.exampleOrcids);
    var target = chosenTarget();
    return {
      "author-page": settings.authorPage,
      target: target.kind === "new" ? "new" : target.id || "",
      orcid: orcid.status === "ok" ? orcid.orcid : "",
      institution: institutionInput.value.trim(),
      name: nameInput.value.trim(),
      notes: notesInput.value.trim(),
    };
  }

  /** Show an outcome right under the buttons and bring it into view. */
  function reveal(element, focus) {
    element.hidden = false;
    element.scrollIntoView({ block: "nearest" });
    (focus || element).focus();
  }

  /**
   * Open GitHub's form in a new tab. The tab is opened empty, cut off from this
   * page (no opener), and only then sent to GitHub: with "noopener" the browser
   * would answer null whether or not a blocker stopped the tab, and the page could
   * not tell the person.
   */
  function openGitHub(url) {
    var tab = null;
    try {
      tab = window.open("", "_blank");
    } catch (error) {
      tab = null;
    }
    if (!tab) {
      return false;
    }
    try {
      tab.opener = null;
    } catch (error) {
      // Some browsers do not let a page change this; the tab still opens.
    }
    tab.location.href = url;
    return true;
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
      if (openGitHub(fitted.url)) {
        result.className = "alert alert-success abfix-outcome";
        setText(
          resultText,
          "GitHub's form opened in a new tab: check it and press \u201cCreate\u201d there. " +
            "If no tab opened, use this link:"
        );
        setText(resultLink, "Open GitHub's form");
        reveal(result);
      } else {
        result.className = "alert alert-warning abfix-outcome";
        setText(
          resultText,
          "Your browser blocked the new tab, so GitHub's form did not open. Nothing is lost: " +
            "open it with this link."
        );
        setText(resultLink, "Open GitHub's form (new tab)");
        reveal(result, resultLink);
      }
      return;
    }
    // Too long for one link: say so first, so that the text to paste is at hand
    // before GitHub's form opens (with what fits).
    var text;
    if (fitted.included === fitted.total) {
      text =
        "Your notes are too long to pass to GitHub in one link. GitHub's form will open " +
        "with all " +
        plural(fitted.total, "paper") +
        " and the notes cut short.";
    } else {
      text =
        "Your selection of " +
        fitted.total +
        " papers is too long to pass to GitHub in " +
        "one link. GitHub's form will open with the first " +
        fitted.included +
        ".";
    }
    setText(byId("fix-toolong-text"), text);
    tooLongBody.value = fitted.body;
    var link = byId("fix-toolong-link");
    link.href = fitted.url;
    link.textContent =
      fitted.included === fitted.total
        ? "Open GitHub's form (notes cut short)"
        : "Open GitHub's form (with " + fitted.included + " of " + fitted.total + " papers)";
    reveal(tooLong, byId("fix-toolong-heading"));
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
  paperChecks.forEach(function (box) {
    box.addEventListener("change", update);
  });
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  orcidInput.addEventListener("blur", function () {
    orcidTouched = true;
    update();
  });
  otherInput.addEventListener("focus", function () {
    // Typing a page is choosing "another existing author page".
    var radio = byId("fix-target-other");
    if (!radio.checked) {
      radio.checked = true;
      update();
    }
  });
  openButton.addEventListener("click", openPanel);
  byId("fix-cancel").addEventListener("click", function () {
    closePanel(true);
  });
  if (byId("fix-more")) {
    byId("fix-more").addEventListener("click", showMoreTargets);
  }
  byId("fix-bar-link").addEventListener("click", function (event) {
    event.preventDefault();
    panel.scrollIntoView({ block: "start" });
    byId("fix-heading").focus();
  });
  form.addEventListener("submit", submit);
  byId("fix-copy").addEventListener("click", copyBody);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen() && !event.defaultPrevented) {
      closePanel(false);
    }
  });
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      panelInView = entries[entries.length - 1].isIntersecting;
      updateBar();
    }).observe(panel);
  }

  document.body.classList.add("abfix-js");
  update();
})();
