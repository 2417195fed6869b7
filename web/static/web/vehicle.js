// "Save this search" and "Watch this price" for a signed-in buyer, through the public API.
const status = document.querySelector(".action-status");
const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;

async function post(url, body, done) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  status.textContent = response.ok ? done : (await response.text()).slice(0, 200);
  status.dataset.ok = String(response.ok);
}

document.querySelector("[data-action=save-search]")?.addEventListener("click", (event) => {
  const { make, model, name } = event.currentTarget.dataset;
  post("/api/v1/saved-searches", { name, params: { make: [make], model: [model] } }, status.dataset.savedText);
});
document.querySelector("[data-action=watch-price]")?.addEventListener("click", (event) => {
  post("/api/v1/price-watches", { vehicle_id: Number(event.currentTarget.dataset.vehicle) }, status.dataset.watchedText);
});
