// Bahasa Indonesia by default, English when chosen (remembered in this browser).
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import id from "./id";
import en from "./en";

const KEY = "klustera.lang";

function initial(): string {
  try {
    return localStorage.getItem(KEY) === "en" ? "en" : "id";
  } catch {
    return "id";
  }
}

void i18n.use(initReactI18next).init({
  resources: { id: { translation: id }, en: { translation: en } },
  lng: initial(),
  fallbackLng: "id",
  interpolation: { escapeValue: false },
  returnNull: false,
});

i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(KEY, lng);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
});
document.documentElement.lang = i18n.language;

export default i18n;
