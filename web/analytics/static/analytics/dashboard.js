// Charts over the dashboard's tables (the page works without this file), and filters that apply
// without a full reload: the page at the new URL is fetched, its dashboard swapped in, the URL kept.
(function () {
  "use strict";
  const charts = [];
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

  function draw(root) {
    charts.splice(0).forEach((chart) => chart.destroy());
    const data = JSON.parse(root.querySelector("#chart-data").textContent);
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const spec = data[canvas.dataset.chart];
      if (!spec || !spec.rows.length || !window.Chart) return;
      canvas.parentElement.hidden = false;
      // A row is labelled by its first column, or by its first `labels` columns (make · market).
      const labels = spec.rows.map((row) => row.slice(0, spec.labels || 1).join(" · "));
      const datasets = spec.series.map((name, i) => {
        const column = spec.columns.indexOf(name);
        const colors = spec.colors || palette;
        const set = {
          label: name,
          data: spec.rows.map((row) => row[column]),
          backgroundColor: colors[i % colors.length],
          borderColor: colors[i % colors.length],
        };
        if ((spec.second_axis || []).includes(name)) Object.assign(set, { yAxisID: "y2", type: "line" });
        return set;
      });
      // Every label of a bar chart's categories is drawn (Chart.js skips every other one on a long
      // axis: half the years went missing), tilted when they must; a time line keeps a few dates.
      const all = spec.type === "bar" ? { autoSkip: false, maxRotation: 90 } : {};
      const scales = {
        x: { stacked: !!spec.stacked, ticks: spec.horizontal ? {} : all },
        y: { stacked: !!spec.stacked, beginAtZero: true, ticks: spec.horizontal ? all : {} },
      };
      if (spec.second_axis) scales.y2 = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } };
      charts.push(
        new window.Chart(canvas, {
          type: spec.type,
          data: { labels, datasets },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            locale: document.documentElement.lang, // 60 000 000 in French, as the tables write it
            indexAxis: spec.horizontal ? "y" : "x",
            scales,
          },
        })
      );
      canvas.dataset.drawn = String(spec.rows.length);
      // The chart says it; the table stays one click away.
      const table = canvas.closest(".report").querySelector("details.table-details");
      if (table) table.open = false;
    });
  }

  async function load(url, push) {
    const root = document.getElementById("dashboard");
    root.classList.add("dashboard-loading");
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("dashboard");
      if (!fresh) {
        window.location.assign(url);
        return;
      }
      root.replaceWith(fresh);
      if (push) history.pushState({}, "", url);
      wire(fresh);
      draw(fresh);
    } catch (error) {
      window.location.assign(url);
    }
  }

  function formUrl(form) {
    const params = new URLSearchParams();
    new FormData(form).forEach((value, name) => {
      const text = String(value).trim();
      if (!text) return;
      // "Toyota, Honda" in the make box means either make, as repeated parameters do.
      if (name === "make") text.split(",").map((v) => v.trim()).filter(Boolean).forEach((v) => params.append(name, v));
      else params.append(name, text);
    });
    return "?" + params.toString();
  }

  function wire(root) {
    const form = root.querySelector("#filters");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      load(formUrl(form), true);
    });
    form.querySelectorAll("select").forEach((select) => select.addEventListener("change", () => load(formUrl(form), true)));
  }

  window.addEventListener("popstate", () => load(window.location.href, false));
  window.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("dashboard");
    wire(root);
    draw(root);
  });
})();
