// Mailpipe console: times in the viewer's own zone, and "/" to jump to the page's search or filter.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  for (const time of document.querySelectorAll("time[datetime]")) {
    const at = new Date(time.getAttribute("datetime"));
    if (!isNaN(at)) {
      time.title = time.getAttribute("datetime");
      time.textContent = format.format(at);
    }
  }
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key !== "/" || target.closest("input, textarea")) {
      return;
    }
    const field = document.querySelector("#q, #from, #filter input");
    if (field) {
      event.preventDefault();
      const filters = field.closest("details");
      if (filters) {
        filters.open = true;
      }
      field.focus();
    }
  });
});
