// An ARIA combobox over /api/v1/vehicles/suggest: a request per keystroke, answers older than the
// newest one shown never overwrite it, arrows/Enter/Escape, mouse and touch.
const SUGGEST_URL = "/api/v1/vehicles/suggest";

function vehicleDetail(vehicle) {
  const lang = document.documentElement.lang;
  const parts = [];
  if (vehicle.year && !String(vehicle.title).includes(String(vehicle.year))) parts.push(String(vehicle.year));
  if (vehicle.mileage_km != null) parts.push(`${vehicle.mileage_km.toLocaleString(lang)}\u00a0km`);
  const price = vehicle.display_price;
  if (price && price.amount != null) {
    parts.push(`${Math.round(Number(price.amount)).toLocaleString(lang)}\u00a0${price.currency}`);
  }
  return parts.join(" · ");
}

export function attachTypeahead(input, listbox, { pick }) {
  let sent = 0;
  let shown = 0;
  let options = [];
  let active = -1;

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    listbox.querySelectorAll("[role=option]").forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", `q-option-${index}`);
    else input.removeAttribute("aria-activedescendant");
  }

  function render(answer) {
    options = [
      ...answer.suggestions,
      ...answer.vehicles.map((v) => ({
        kind: "vehicle",
        id: v.id,
        text: v.title,
        detail: vehicleDetail(v),
        thumb: v.cover,
      })),
    ];
    listbox.replaceChildren(
      ...options.map((option, i) => {
        const li = document.createElement("li");
        li.id = `q-option-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.kind = option.kind;
        li.textContent = option.text;
        if (option.detail) {
          // Listings often share a title ("2018 Volkswagen T-Roc"): year, mileage and price tell them apart.
          const detail = document.createElement("small");
          detail.className = "detail";
          detail.textContent = option.detail;
          const text = document.createElement("span");
          text.className = "text";
          text.append(option.text, detail);
          li.replaceChildren(text);
        }
        if (option.thumb) {
          // The cover's smallest WebP (a few KB), its placeholder shown until it arrives.
          const img = document.createElement("img");
          img.className = "suggestion-thumb";
          img.src = option.thumb.thumb;
          img.alt = "";
          img.width = 48;
          img.height = 36;
          img.decoding = "async";
          img.style.backgroundImage = `url(${option.thumb.placeholder})`;
          li.prepend(img, " ");
        }
        if (option.count != null) {
          const count = document.createElement("span");
          count.className = "count";
          count.textContent = option.count.toLocaleString(document.documentElement.lang);
          li.append(" ", count);
        }
        li.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
        li.addEventListener("click", () => choose(i));
        return li;
      }),
    );
    if (options.length) {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else close();
    highlight(-1);
  }

  function choose(index) {
    const option = options[index];
    close();
    if (option) pick(option);
  }

  input.addEventListener("input", async () => {
    const text = input.value.trim();
    const ticket = ++sent;
    if (!text) {
      shown = ticket;
      close();
      return;
    }
    try {
      const response = await fetch(`${SUGGEST_URL}?q=${encodeURIComponent(text)}&size=6&vehicles=3`);
      const answer = await response.json();
      if (ticket < shown || !response.ok) return; // a newer answer is already on screen
      shown = ticket;
      render(answer);
      listbox.dataset.ticket = String(ticket); // lets tests and the bench see which answer is shown
      listbox.dataset.query = text;
    } catch {
      /* offline or aborted: keep what is shown */
    }
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (listbox.hidden || active < 0)) {
      // The text is searched as typed (the form submits): the list closes, and an answer still on
      // its way for an earlier keystroke must not open it again over the results.
      shown = ++sent;
      close();
      return;
    }
    if (listbox.hidden) {
      if (event.key === "ArrowDown" && options.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(0);
        event.preventDefault();
      }
      return;
    }
    if (event.key === "ArrowDown") highlight((active + 1) % options.length);
    else if (event.key === "ArrowUp") highlight(active <= 0 ? options.length - 1 : active - 1);
    else if (event.key === "Escape") close();
    else if (event.key === "Enter" && active >= 0) choose(active);
    else return;
    event.preventDefault();
  });

  input.addEventListener("blur", () => setTimeout(close, 150));
}
