import { useTranslation } from "react-i18next";
import { useTenant } from "../tenant";
import { formatDate, formatDateTime, formatInstantDate, formatPeriod } from "./format";

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
  };
}
