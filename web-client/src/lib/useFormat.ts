import { useTranslation } from "react-i18next";
import { useTenant } from "../tenant";
import { formatDate, formatDateTime, formatInstantDate, formatPeriod, formatTime } from "./format";

/** Date formatters in the UI's language and the estate's time zone. */
export function useFormat() {
  const { i18n } = useTranslation();
  const { timeZone } = useTenant();
  const lang = i18n.language;
  return {
    timeZone,
    dateTime: (iso: string) => formatDateTime(iso, timeZone, lang),
    instantDate: (iso: string) => formatInstantDate(iso, timeZone, lang),
    date: (d: string) => formatDate(d, lang),
    period: (p: string) => formatPeriod(p, lang),
    time: (iso: string) => formatTime(iso, timeZone),
    /** A calendar date with its weekday: `Sen, 2 Des`. */
    day: (d: string) =>
      new Intl.DateTimeFormat(lang.startsWith("en") ? "en-GB" : "id-ID", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(
        new Date(`${d}T00:00:00Z`),
      ),
  };
}
