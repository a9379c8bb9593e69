// The profile editor works without JavaScript: "Add" buttons re-render the form with
// one more row, "Remove" is a checkbox ticked before saving, a skill's "Remove"
// re-renders the form without it. With htmx (loaded before this file) rows are
// added in place; this file removes rows and skills in place and keeps the keyboard
// focus where a person expects it (the new row, the add button, the error summary).
(function () {
    "use strict";
    if (!document.addEventListener || !document.querySelector) {
        return;
    }

    function focusable(element) {
        if (!element.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(element.tagName)) {
            element.setAttribute("tabindex", "-1");
        }
        element.focus();
    }

    function enhanceRows(root) {
        var rows = root.querySelectorAll("[data-wn-row]");
        for (var i = 0; i < rows.length; i++) {
            var button = rows[i].querySelector("[data-wn-row-remove]");
            var box = rows[i].querySelector("[data-wn-delete]");
            if (!button || !box || button.getAttribute("data-wn-ready")) {
                continue;
            }
            button.setAttribute("data-wn-ready", "1");
            button.hidden = false;
            box.hidden = true; // the button ticks it
        }
    }

    function addButtonOf(row) {
        var group = row.closest("[data-wn-rows]");
        return group ? group.querySelector("button[name='add']") : null;
    }

    document.addEventListener("click", function (event) {
        var target = event.target;
        if (!target || !target.closest) {
            return;
        }
        var remove = target.closest("[data-wn-row-remove]");
        if (remove) {
            var row = remove.closest("[data-wn-row]");
            var next = addButtonOf(row);
            if (row.hasAttribute("data-wn-row-new")) {
                row.parentNode.removeChild(row); // never saved: the formset skips the gap
            } else {
                var box = row.querySelector("[data-wn-delete] input[type='checkbox']");
                if (box) {
                    box.checked = true;
                }
                row.hidden = true; // removed when the form is saved
            }
            if (next) {
                next.focus();
            }
            event.preventDefault();
            return;
        }
        var chipRemove = target.closest("[data-wn-chip-remove]");
        if (chipRemove) {
            var chip = chipRemove.closest("[data-wn-chip]");
            var list = chip.parentNode;
            list.removeChild(chip);
            var empty = document.getElementById("wn-skills-empty");
            if (empty) {
                empty.hidden = list.children.length > 0;
            }
            var input = document.getElementById("wn-skill-input");
            if (input) {
                input.focus();
            }
            event.preventDefault();
            return;
        }
        if (target.closest("[data-wn-skill-add]")) {
            addSkill(event);
        }
    });

    function addSkill(event) {
        var input = document.getElementById("wn-skill-input");
        var list = document.getElementById("wn-skill-chips");
        var skills = document.querySelector("[data-wn-skills]");
        var value = input ? input.value.trim() : "";
        event.preventDefault();
        if (!value || !list || !skills) {
            return;
        }
        var chips = list.querySelectorAll("[data-wn-chip] .wn-chip__label");
        for (var i = 0; i < chips.length; i++) {
            if (chips[i].textContent.trim().toLowerCase() === value.toLowerCase()) {
                input.value = "";
                input.focus();
                return; // already listed
            }
        }
        var chip = document.createElement("li");
        chip.className = "wn-chip";
        chip.setAttribute("data-wn-chip", "");
        var label = document.createElement("span");
        label.className = "wn-chip__label";
        label.textContent = value;
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = skills.getAttribute("data-wn-field-name");
        hidden.value = value;
        var button = document.createElement("button");
        button.type = "submit";
        button.name = "remove_skill";
        button.value = value;
        button.className = "wn-chip__remove";
        button.setAttribute("data-wn-chip-remove", "");
        var word = skills.getAttribute("data-wn-remove-label") || "Remove";
        button.appendChild(document.createTextNode(word));
        var spoken = document.createElement("span");
        spoken.className = "visually-hidden";
        spoken.textContent = " " + value;
        button.appendChild(spoken);
        chip.appendChild(label);
        chip.appendChild(hidden);
        chip.appendChild(button);
        list.appendChild(chip);
        var empty = document.getElementById("wn-skills-empty");
        if (empty) {
            empty.hidden = true;
        }
        input.value = "";
        input.focus();
    }

    // Enter in the skill field adds the skill instead of saving the whole form.
    document.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && event.target && event.target.id === "wn-skill-input") {
            addSkill(event);
        }
    });

    // A row added by htmx: make its remove button work and put the focus in it
    // (after settling, so after network.js has put it on the updated region).
    document.addEventListener("htmx:afterSettle", function (event) {
        var target = event.detail && event.detail.target;
        if (!target || !target.matches || !target.matches(".wn-rows__list")) {
            return;
        }
        enhanceRows(target);
        var rows = target.querySelectorAll("[data-wn-row]");
        var row = rows[rows.length - 1];
        if (row) {
            var field = row.querySelector("input:not([type='hidden']), select, textarea");
            focusable(field || row);
        }
    });

    function ready() {
        enhanceRows(document);
        var initial = document.querySelector("[data-wn-initial-focus]");
        var summary = document.getElementById("wn-error-summary");
        if (summary) {
            focusable(summary);
        } else if (initial) {
            var wanted = document.getElementById(initial.getAttribute("data-wn-initial-focus"));
            if (wanted) {
                focusable(wanted);
            }
        }
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", ready);
    } else {
        ready();
    }
})();
