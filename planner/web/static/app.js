// planner workspace: drag and drop onto the upload box, sortable and filterable tables.
// No inline scripts anywhere (the Content-Security-Policy forbids them); everything works
// without this file too (plain forms, full tables).
"use strict";

function setUpDrop() {
  const form = document.getElementById("upload-form");
  const input = document.getElementById("file");
  if (!form || !input) return;
  ["dragenter", "dragover"].forEach((name) =>
    form.addEventListener(name, (event) => {
      event.preventDefault();
      form.classList.add("dragging");
    })
  );
  ["dragleave", "drop"].forEach((name) =>
    form.addEventListener(name, () => form.classList.remove("dragging"))
  );
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    }
  });
}

function cellValue(row, index) {
  const text = row.cells[index] ? row.cells[index].textContent.trim() : "";
  const number = Number(text.replace(/,/g, ""));
  return text !== "" && text !== "-" && !Number.isNaN(number) ? number : text.toLowerCase();
}

function setUpSorting() {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th").forEach((th, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", "Sort by " + th.textContent);
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = cellValue(a, index), y = cellValue(b, index);
          const order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  });
}

function setUpFilters() {
  document.querySelectorAll("input.filter").forEach((input) => {
    const table = document.getElementById(input.dataset.table);
    if (!table) return;
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      Array.from(table.tBodies[0].rows).forEach((row) => {
        row.hidden = wanted !== "" && !row.textContent.toLowerCase().includes(wanted);
      });
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpDrop();
  setUpSorting();
  setUpFilters();
});
