// Medial coach timer: paces today's sets in the Telegram client and logs each one to the bot.
// Plain JS, no build step. The set timeline mirrors coach/pacing.py set_timeline().
"use strict";

(function () {
  const STRINGS = {
    en: {
      outside: "This timer runs inside Telegram. Open it from the bot: send /workout, then tap Open timer.",
      loadFailed: "Couldn't load today's plan. Close the timer and open it again from the chat.",
      notSetUp: "Finish setting up in the chat first (/start), then open the timer again.",
      title: "Today · {preset}",
      setLabel: "Set {number} of {of} · {side} leg · {reps} reps",
      chip: "{side} {number}/{of}",
      left: "left",
      right: "right",
      start: "Start",
      pause: "Pause",
      resume: "Resume",
      finish: "Done",
      save: "Log set",
      repsLabel: "Reps done",
      lift: "LIFT",
      hold: "HOLD",
      lower: "LOWER",
      ready: "READY",
      paused: "PAUSED",
      end: "SET DONE",
      done: "ALL DONE",
      rest: "REST",
      repOf: "rep {rep} of {reps}",
      countOf: "count {count} · rep {rep} of {reps}",
      restLeft: "next: set {number} of {of}, {side} leg",
      skipRest: "Skip rest",
      saving: "Logging…",
      logged: "Logged ✓ — the chat has it too.",
      taken: "That set was already logged.",
      saveFailed: "Not logged yet (no connection?). Tap Log set to try again.",
      allDone: "All of today's sets are done. Nice work!",
      allDoneBig: "✓",
      howMany: "How many reps?",
    },
    ru: {
      outside: "Таймер работает только внутри Telegram. Открой его из бота: отправь /workout и нажми «Открыть таймер».",
      loadFailed: "Не удалось загрузить план на сегодня. Закрой таймер и открой его снова из чата.",
      notSetUp: "Сначала закончи настройку в чате (/start), потом открой таймер снова.",
      title: "Сегодня · {preset}",
      setLabel: "Подход {number} из {of} · {side} нога · {reps} повт.",
      chip: "{side} {number}/{of}",
      left: "левая",
      right: "правая",
      start: "Старт",
      pause: "Пауза",
      resume: "Продолжить",
      finish: "Готово",
      save: "Записать подход",
      repsLabel: "Сделано повторений",
      lift: "ВВЕРХ",
      hold: "ДЕРЖИМ",
      lower: "ВНИЗ",
      ready: "ГОТОВЬСЯ",
      paused: "ПАУЗА",
      end: "ГОТОВО",
      done: "ВСЁ!",
      rest: "ОТДЫХ",
      repOf: "повтор {rep} из {reps}",
      countOf: "счёт {count} · повтор {rep} из {reps}",
      restLeft: "дальше: подход {number} из {of}, {side} нога",
      skipRest: "Пропустить отдых",
      saving: "Записываю…",
      logged: "Записано ✓ — в чате тоже.",
      taken: "Этот подход уже записан.",
      saveFailed: "Пока не записано (нет связи?). Нажми «Записать подход» ещё раз.",
      allDone: "Все подходы на сегодня сделаны. Отличная работа!",
      allDoneBig: "✓",
      howMany: "Сколько повторений?",
    },
    es: {
      outside: "Este temporizador funciona dentro de Telegram. Ábrelo desde el bot: envía /workout y toca «Abrir temporizador».",
      loadFailed: "No se pudo cargar el plan de hoy. Cierra el temporizador y vuelve a abrirlo desde el chat.",
      notSetUp: "Primero termina la configuración en el chat (/start) y luego vuelve a abrir el temporizador.",
      title: "Hoy · {preset}",
      setLabel: "Serie {number} de {of} · pierna {side} · {reps} rep.",
      chip: "{side} {number}/{of}",
      left: "izquierda",
      right: "derecha",
      start: "Empezar",
      pause: "Pausa",
      resume: "Seguir",
      finish: "Hecho",
      save: "Registrar serie",
      repsLabel: "Repeticiones hechas",
      lift: "ARRIBA",
      hold: "AGUANTA",
      lower: "ABAJO",
      ready: "PREPÁRATE",
      paused: "EN PAUSA",
      end: "SERIE HECHA",
      done: "¡TODO HECHO!",
      rest: "DESCANSO",
      repOf: "repetición {rep} de {reps}",
      countOf: "tiempo {count} · repetición {rep} de {reps}",
      restLeft: "siguiente: serie {number} de {of}, pierna {side}",
      skipRest: "Saltar descanso",
      saving: "Registrando…",
      logged: "Registrada ✓ — también en el chat.",
      taken: "Esa serie ya estaba registrada.",
      saveFailed: "Aún no se ha registrado (¿sin conexión?). Toca «Registrar serie» para reintentarlo.",
      allDone: "Ya hiciste todas las series de hoy. ¡Buen trabajo!",
      allDoneBig: "✓",
      howMany: "¿Cuántas repeticiones?",
    },
    de: {
      outside: "Dieser Timer läuft in Telegram. Öffne ihn über den Bot: Sende /workout und tippe auf „Timer öffnen“.",
      loadFailed: "Der Plan für heute ließ sich nicht laden. Schließe den Timer und öffne ihn erneut aus dem Chat.",
      notSetUp: "Schließ zuerst die Einrichtung im Chat ab (/start) und öffne den Timer dann erneut.",
      title: "Heute · {preset}",
      setLabel: "Satz {number} von {of} · Bein {side} · {reps} Wdh.",
      chip: "{side} {number}/{of}",
      left: "links",
      right: "rechts",
      start: "Los",
      pause: "Pause",
      resume: "Weiter",
      finish: "Fertig",
      save: "Satz eintragen",
      repsLabel: "Geschaffte Wiederholungen",
      lift: "HOCH",
      hold: "HALTEN",
      lower: "RUNTER",
      ready: "BEREIT",
      paused: "PAUSIERT",
      end: "SATZ FERTIG",
      done: "ALLES FERTIG",
      rest: "SATZPAUSE",
      repOf: "Wiederholung {rep} von {reps}",
      countOf: "Takt {count} · Wiederholung {rep} von {reps}",
      restLeft: "als Nächstes: Satz {number} von {of}, Bein {side}",
      skipRest: "Pause überspringen",
      saving: "Wird eingetragen…",
      logged: "Eingetragen ✓ – auch im Chat.",
      taken: "Dieser Satz war schon eingetragen.",
      saveFailed: "Noch nicht eingetragen (keine Verbindung?). Tippe auf „Satz eintragen“, um es erneut zu versuchen.",
      allDone: "Alle Sätze für heute geschafft. Stark!",
      allDoneBig: "✓",
      howMany: "Wie viele Wiederholungen?",
    },
    pt: {
      outside: "Este timer só funciona dentro do Telegram. Abra pelo bot: envie /workout e toque em “Abrir timer”.",
      loadFailed: "Não foi possível carregar o plano de hoje. Feche o timer e abra de novo pelo chat.",
      notSetUp: "Termine a configuração no chat primeiro (/start) e depois abra o timer de novo.",
      title: "Hoje · {preset}",
      setLabel: "Série {number} de {of} · perna {side} · {reps} rep.",
      chip: "{side} {number}/{of}",
      left: "esquerda",
      right: "direita",
      start: "Começar",
      pause: "Pausar",
      resume: "Continuar",
      finish: "Feito",
      save: "Registrar série",
      repsLabel: "Repetições feitas",
      lift: "SOBE",
      hold: "SEGURA",
      lower: "DESCE",
      ready: "PREPARE-SE",
      paused: "PAUSADO",
      end: "SÉRIE FEITA",
      done: "TUDO FEITO!",
      rest: "DESCANSO",
      repOf: "repetição {rep} de {reps}",
      countOf: "tempo {count} · repetição {rep} de {reps}",
      restLeft: "próxima: série {number} de {of}, perna {side}",
      skipRest: "Pular descanso",
      saving: "Registrando…",
      logged: "Registrado ✓ — também no chat.",
      taken: "Essa série já tinha sido registrada.",
      saveFailed: "Ainda não registrado (sem conexão?). Toque em “Registrar série” para tentar de novo.",
      allDone: "Todas as séries de hoje foram feitas. Mandou bem!",
      allDoneBig: "✓",
      howMany: "Quantas repetições?",
    },
  };
  const RING = 2 * Math.PI * 52;
  const tg = window.Telegram && window.Telegram.WebApp;
  const params = new URLSearchParams(location.search);
  // Test hook: ?speed=20 runs the clock 20 times faster.
  const speed = Math.min(100, Math.max(1, Number(params.get("speed")) || 1));
  const $ = (id) => document.getElementById(id);
  let words = STRINGS.en;
  let plan = null;
  let current = null; // index into plan.sets
  let beats = [];
  let state = "idle"; // idle | running | paused | finished | rest | done
  let startedAt = 0; // performance.now() of second 0 (shifted by pauses)
  let pausedAt = 0;
  let shown = -1; // index of the beat on screen
  let restUntil = 0;
  let clientId = null;
  let wakeLock = null;
  let audio = null;

  function t(key, values) {
    const text = words[key] || STRINGS.en[key] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (values && name in values ? values[name] : ""));
  }

  function show(id, visible) { $(id).hidden = !visible; }

  function applyTheme() {
    const root = document.documentElement;
    const theme = (tg && tg.themeParams) || {};
    const names = {
      bg_color: "--tg-bg", text_color: "--tg-text", hint_color: "--tg-hint",
      button_color: "--tg-button", button_text_color: "--tg-button-text",
      secondary_bg_color: "--tg-secondary-bg",
    };
    for (const [key, variable] of Object.entries(names)) {
      if (theme[key]) root.style.setProperty(variable, theme[key]);
      else root.style.removeProperty(variable);
    }
    const dark = tg ? tg.colorScheme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.scheme = dark ? "dark" : "light";
  }

  function timeline(c, reps) {
    const counts = c.four_count
      ? [["lift", 1], ["lower", 2], ["lift", 3], ["lower", 4]]
      : [["lift", null], ["lower", null]];
    const out = [];
    let at = 0;
    for (let rep = 1; rep <= reps; rep++) {
      if (rep > 1) at += c.pause_s;
      for (const [kind, count] of counts) {
        out.push({ at, kind, rep, reps, count, remaining: null });
        if (kind === "lower") { at += c.lower_s; continue; }
        at += c.lift_s;
        for (let left = c.hold_s; left > 0; left--) {
          out.push({ at, kind: "hold", rep, reps, count, remaining: left });
          at += 1;
        }
      }
    }
    out.push({ at, kind: "end", rep: reps, reps, count: null, remaining: null });
    return out;
  }

  // --- sound, touch, screen ---------------------------------------------------------------
  function tone(kind) {
    if (!audio) return;
    const sweep = {
      lift: [[440, 880, 0.16]], lower: [[880, 440, 0.16]], hold: [[1320, 1320, 0.05]],
      end: [[660, 660, 0.18], [990, 990, 0.22]],
    }[kind];
    if (!sweep) return;
    let at = audio.currentTime + 0.01;
    for (const [from, to, length] of sweep) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.setValueAtTime(from, at);
      osc.frequency.linearRampToValueAtTime(to, at + length);
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + length + 0.02);
      at += length + 0.03;
    }
  }

  function buzz(kind) {
    const haptic = tg && tg.HapticFeedback;
    if (!haptic) return;
    try {
      if (kind === "end") haptic.notificationOccurred("success");
      else haptic.impactOccurred(kind === "hold" ? "light" : "medium");
    } catch (e) { /* older clients have no haptics */ }
  }

  async function keepAwake(on) {
    try {
      if (on && !wakeLock && navigator.wakeLock) {
        wakeLock = await navigator.wakeLock.request("screen");
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      } else if (!on && wakeLock) {
        await wakeLock.release();
        wakeLock = null;
      }
    } catch (e) { wakeLock = null; /* denied or unsupported: the timer still runs */ }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && state === "running") keepAwake(true);
  });

  // --- drawing ----------------------------------------------------------------------------
  function drawSets() {
    const list = $("sets");
    list.textContent = "";
    plan.sets.forEach((set, i) => {
      const item = document.createElement("li");
      item.textContent = (set.done ? "✓ " : "") + t("chip", { side: t(set.side), number: set.number, of: set.of });
      if (set.done) item.classList.add("done");
      if (i === current && !set.done) item.classList.add("current");
      list.appendChild(item);
    });
  }

  function drawRing(fraction) {
    $("ring").style.strokeDashoffset = String(RING * (1 - Math.min(1, Math.max(0, fraction))));
  }

  function setPhase(text) {
    $("phase").textContent = text;
    // Some languages' phase words are long ("DESCANSO", "SATZPAUSE"): keep them inside the ring.
    $("phase").classList.toggle("long", text.length > 7);
  }

  function drawFace(phase, big, small) {
    $("timer").dataset.phase = phase;
    setPhase(phase in words ? t(phase) : phase);
    $("big").textContent = big;
    $("small").textContent = small;
  }

  function drawBeat(beat) {
    const big = beat.kind === "hold" ? String(beat.remaining) : String(beat.rep);
    const small = beat.count
      ? t("countOf", { count: beat.count, rep: beat.rep, reps: beat.reps })
      : t("repOf", { rep: beat.rep, reps: beat.reps });
    drawFace(beat.kind, big, small);
  }

  function drawReady() {
    const set = plan.sets[current];
    $("set-label").textContent = t("setLabel", { number: set.number, of: set.of, side: t(set.side), reps: set.reps });
    drawFace("ready", String(set.reps), t("repOf", { rep: 0, reps: set.reps }));
    drawRing(0);
    show("start", true); show("pause", false); show("finish", false); show("log", false);
    $("start").textContent = t("start");
    drawSets();
  }

  // --- the clock --------------------------------------------------------------------------
  function elapsed() { return ((state === "paused" ? pausedAt : performance.now()) - startedAt) * speed / 1000; }

  function tick() {
    if (state === "running") {
      const now = elapsed();
      let index = shown;
      while (index + 1 < beats.length && beats[index + 1].at <= now) index++;
      if (index !== shown) {
        shown = index;
        const beat = beats[index];
        if (beat.kind === "end") { finishSet(); return; }
        drawBeat(beat);
        tone(beat.kind);
        buzz(beat.kind);
      }
      drawRing(now / beats[beats.length - 1].at);
    } else if (state === "rest") {
      const left = (restUntil - performance.now()) * speed / 1000;
      if (left <= 0) { nextSet(); } else {
        drawFace("rest", String(Math.ceil(left)), $("small").textContent);
        drawRing(left / plan.cadence.rest_s);
      }
    }
    requestAnimationFrame(tick);
  }

  function startSet() {
    if (!audio && (window.AudioContext || window.webkitAudioContext)) {
      try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    }
    if (audio && audio.state === "suspended") audio.resume();
    const set = plan.sets[current];
    beats = timeline(plan.cadence, set.reps);
    shown = -1;
    clientId = null;
    startedAt = performance.now();
    state = "running";
    show("start", false); show("pause", true); show("finish", true); show("log", false);
    $("pause").textContent = t("pause");
    $("status").textContent = "";
    keepAwake(true);
    requestAnimationFrame(tick);
  }

  function togglePause() {
    if (state === "running") {
      state = "paused";
      pausedAt = performance.now();
      $("pause").textContent = t("resume");
      setPhase(t("paused"));
      keepAwake(false);
    } else if (state === "paused") {
      startedAt += performance.now() - pausedAt;
      state = "running";
      $("pause").textContent = t("pause");
      const beat = beats[Math.max(0, shown)];
      if (shown >= 0) drawBeat(beat);
      keepAwake(true);
      requestAnimationFrame(tick);
    }
  }

  function finishSet() {
    state = "finished";
    const set = plan.sets[current];
    drawFace("end", "✓", t("howMany"));
    drawRing(1);
    tone("end");
    buzz("end");
    keepAwake(false);
    show("pause", false); show("finish", false); show("log", true);
    $("reps").value = String(set.reps);
    $("status").textContent = "";
  }

  async function saveSet(event) {
    event.preventDefault();
    const set = plan.sets[current];
    const reps = Number($("reps").value);
    if (!Number.isInteger(reps) || reps < 1 || reps > 100) { $("reps").focus(); return; }
    clientId = clientId || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + "-" + Math.random().toString(16).slice(2));
    $("save").disabled = true;
    $("status").textContent = t("saving");
    try {
      const response = await fetch("api/sets", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "tma " + tg.initData },
        body: JSON.stringify({
          initData: tg.initData, session_id: plan.session_id, set_index: set.set_index,
          reps, side: set.side, client_id: clientId,
        }),
      });
      if (response.ok || response.status === 409) {
        set.done = true;
        $("status").textContent = response.ok ? t("logged") : t("taken");
        startRest();
      } else {
        $("status").textContent = t("saveFailed");
      }
    } catch (e) {
      $("status").textContent = t("saveFailed");
    } finally {
      $("save").disabled = false;
    }
  }

  function firstOpen() { return plan.sets.findIndex((set) => !set.done); }

  function startRest() {
    show("log", false);
    const next = firstOpen();
    if (next < 0) { allDone(); return; }
    const upcoming = plan.sets[next];
    current = next;
    drawSets();
    if (plan.cadence.rest_s <= 0) { drawReady(); state = "idle"; return; }
    state = "rest";
    restUntil = performance.now() + plan.cadence.rest_s * 1000 / speed;
    $("small").textContent = t("restLeft", { number: upcoming.number, of: upcoming.of, side: t(upcoming.side) });
    $("set-label").textContent = t("setLabel", { number: upcoming.number, of: upcoming.of, side: t(upcoming.side), reps: upcoming.reps });
    show("start", true);
    $("start").textContent = t("skipRest");
    requestAnimationFrame(tick);
  }

  function nextSet() {
    state = "idle";
    tone("lift");
    drawReady();
  }

  function allDone() {
    state = "done";
    drawSets();
    $("set-label").textContent = t("allDone");
    drawFace("done", t("allDoneBig"), "");
    drawRing(1);
    show("start", false); show("pause", false); show("finish", false); show("log", false);
  }

  // --- start-up ---------------------------------------------------------------------------
  async function load() {
    applyTheme();
    if (!tg || !tg.initData) {
      // Outside Telegram the browser's language is all there is.
      const browser = (navigator.language || "en").split("-")[0].toLowerCase();
      words = STRINGS[browser] || STRINGS.en;
      const outside = $("outside");
      outside.textContent = t("outside");
      show("outside", true);
      return;
    }
    tg.ready();
    if (tg.expand) tg.expand();
    if (tg.onEvent) tg.onEvent("themeChanged", applyTheme);
    // Until the API answers, the Telegram client's language ("pt-br" -> "pt"); English if unknown.
    const language = ((tg.initDataUnsafe && tg.initDataUnsafe.user && tg.initDataUnsafe.user.language_code) || "en").split("-")[0].toLowerCase();
    words = STRINGS[language] || STRINGS.en;
    if (STRINGS[language]) document.documentElement.lang = language;
    let response;
    try {
      response = await fetch("api/today", { headers: { Authorization: "tma " + tg.initData } });
    } catch (e) { response = null; }
    if (!response || !response.ok) {
      $("error").textContent = response && response.status === 403 ? t("notSetUp") : t("loadFailed");
      show("error", true);
      return;
    }
    plan = await response.json();
    words = STRINGS[plan.language] || STRINGS.en;
    document.documentElement.lang = STRINGS[plan.language] ? plan.language : "en";
    $("title").textContent = t("title", { preset: plan.preset });
    show("head", true);
    show("timer", true);
    current = firstOpen();
    if (current < 0) { current = plan.sets.length; allDone(); return; }
    drawReady();
  }

  $("start").addEventListener("click", () => {
    if (state === "rest") nextSet();
    else if (state === "idle") startSet();
  });
  $("pause").addEventListener("click", togglePause);
  $("finish").addEventListener("click", () => { if (state === "running" || state === "paused") finishSet(); });
  $("log").addEventListener("submit", saveSet);
  $("finish").textContent = STRINGS.en.finish;
  $("save").textContent = STRINGS.en.save;
  $("reps-label").textContent = STRINGS.en.repsLabel;
  load().then(() => {
    $("finish").textContent = t("finish");
    $("save").textContent = t("save");
    $("reps-label").textContent = t("repsLabel");
  });
})();
