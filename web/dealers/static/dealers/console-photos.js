// The console's photo upload, enhanced: each chosen file goes to the API on its own, with a progress
// bar, so one refused file does not hold back the others and a slow link shows it is moving. Without
// this script the form posts all files to the console, which works the same, only without progress.
const form = document.getElementById("photo-upload");
const list = document.getElementById("photo-list");

function csrfToken() {
  return form.querySelector("input[name=csrfmiddlewaretoken]").value;
}

function send(file, onProgress) {
  return new Promise((resolve) => {
    const body = new FormData();
    body.append("photos", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.api);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let answer = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        // a proxy's HTML error page: reported by status below
      }
      const refused = answer.error?.fields?.photos;
      resolve(xhr.status === 201 ? null : refused ? refused.join(" ") : `${file.name}: HTTP ${xhr.status}`);
    });
    xhr.addEventListener("error", () => resolve(`${file.name}: ${form.dataset.offline || "network error"}`));
    xhr.send(body);
  });
}

if (form) {
  const input = form.querySelector("input[type=file]");
  const progress = document.getElementById("photo-progress");
  const status = document.getElementById("photo-status");
  form.addEventListener("submit", async (event) => {
    const files = [...input.files];
    if (!files.length) return; // the server says "choose one or more photos"
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    progress.hidden = false;
    const errors = [];
    for (const [index, file] of files.entries()) {
      status.textContent = `${index + 1} / ${files.length}: ${file.name}`;
      const error = await send(file, (part) => {
        progress.value = Math.round(((index + part) / files.length) * 100);
      });
      if (error) errors.push(error);
    }
    progress.value = 100;
    if (errors.length) {
      status.textContent = errors.join("\n");
      status.setAttribute("role", "alert");
      button.disabled = false;
      if (errors.length < files.length) setTimeout(() => window.location.reload(), 4000);
    } else {
      window.location.reload();
    }
  });
}

// Photos still being processed: look again in a few seconds, until they are ready or failed (at most
// 20 times in a row: a dealer on paid data is not made to reload a page forever if workers are down).
const looks = Number(sessionStorage.getItem("photo-looks") || 0);
if (list?.querySelector("[data-status=pending]") && looks < 20) {
  sessionStorage.setItem("photo-looks", String(looks + 1));
  setTimeout(() => window.location.reload(), 3000);
} else {
  sessionStorage.removeItem("photo-looks");
}
