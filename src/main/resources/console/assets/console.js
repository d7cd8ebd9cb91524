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

// The live page: fetch its figures every 5 s, update each cell, and chart the rates of the last 10 minutes.
document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("live");
  if (!live) {
    return;
  }
  const EVERY_MS = 5000, POINTS = 120, WIDTH = 600, HEIGHT = 120;
  const failed = live.dataset.failed.split(",");
  const status = document.getElementById("live-status");
  const samples = [];
  let last = null;

  const sum = (figures, names) => names.reduce((total, name) => total + (Number(figures[name]) || 0), 0);
  const points = (values, top) => values.map((value, i) =>
      `${(WIDTH * (i + POINTS - values.length) / (POINTS - 1)).toFixed(1)},${(HEIGHT - 1 - (HEIGHT - 6) * value / top).toFixed(1)}`).join(" ");

  function draw() {
    const top = Math.max(1, ...samples.map((s) => Math.max(s.delivered, s.failed)));
    document.getElementById("line-delivered").setAttribute("points", points(samples.map((s) => s.delivered), top));
    document.getElementById("line-failed").setAttribute("points", points(samples.map((s) => s.failed), top));
    document.getElementById("chart-max").textContent = top.toFixed(1);
    const latest = samples[samples.length - 1];
    document.getElementById("rate-delivered").textContent = latest.delivered.toFixed(1);
    document.getElementById("rate-failed").textContent = latest.failed.toFixed(1);
  }

  function show(figures) {
    for (const cell of live.querySelectorAll("[data-figure]")) {
      const value = figures[cell.dataset.figure];
      cell.textContent = value === undefined || value === "" ? "–" : value;
    }
    const at = new Date(figures.at);
    status.replaceChildren("As of ", Object.assign(document.createElement("time"),
        { dateTime: figures.at, title: figures.at, textContent: at.toLocaleTimeString() }), ".");
    if (last) {
      const seconds = Math.max(0.001, (at - last.at) / 1000);
      samples.push({
        delivered: Math.max(0, figures["outcome.delivered"] - last.figures["outcome.delivered"]) / seconds,
        failed: Math.max(0, sum(figures, failed) - sum(last.figures, failed)) / seconds,
      });
      samples.splice(0, samples.length - POINTS);
      draw();
    }
    last = { at, figures };
  }

  async function poll() {
    try {
      const response = await fetch(live.dataset.source, { headers: { Accept: "application/json" }, redirect: "manual" });
      if (!response.ok) {
        throw new Error(response.type === "opaqueredirect" ? "signed out: sign in again" : `HTTP ${response.status}`);
      }
      show(await response.json());
    } catch (error) {
      status.textContent = `Not updating (${error.message}); trying again.`;
    }
  }

  poll();
  setInterval(poll, EVERY_MS);
});
