import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { AnnouncementAudience } from "../gql/graphql";
import { appErrorOf, type AppError } from "../lib/errors";
import { zonedInputToIso } from "../lib/format";
import { useFormat } from "../lib/useFormat";
import { useSession } from "../auth/useSession";
import { Button, Card, Empty, ErrorNote, Loading, Page, Select, TextArea, TextField } from "../ui/kit";

const AnnouncementsQuery = graphql(`
  query Announcements {
    announcements(first: 50) {
      nodes {
        id
        title
        body
        audience
        publishAt
        scheduled
        archived
      }
    }
  }
`);

const AnnouncementLive = graphql(`
  subscription AnnouncementLive {
    announcementPublished {
      id
      title
    }
  }
`);

const BlocksQuery = graphql(`
  query Blocks {
    blocks {
      id
      name
    }
  }
`);

const UnitSearch = graphql(`
  query UnitSearch($search: String) {
    units(first: 10, filter: { search: $search }) {
      nodes {
        id
        number
        block {
          id
          name
        }
      }
    }
  }
`);

const ResidentSearch = graphql(`
  query ResidentSearch($search: String) {
    residents(first: 10, filter: { search: $search }) {
      nodes {
        id
        fullName
      }
    }
  }
`);

const PublishMutation = graphql(`
  mutation PublishAnnouncement($input: PublishAnnouncementInput!) {
    publishAnnouncement(input: $input) {
      id
    }
  }
`);

const ArchiveMutation = graphql(`
  mutation ArchiveAnnouncement($id: ID!) {
    archiveAnnouncement(id: $id) {
      id
      archived
    }
  }
`);

export function Announcements() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const manager = session?.role === "MANAGER";
  const [{ data, fetching, error }] = useQuery({ query: AnnouncementsQuery });
  useSubscription({ query: AnnouncementLive });
  const [, archive] = useMutation(ArchiveMutation);
  const list = data?.announcements.nodes ?? [];
  return (
    <Page title={t("announcements.title")}>
      {manager && <Compose />}
      <ErrorNote error={appErrorOf(error)} />
      {fetching && !data ? (
        <Loading />
      ) : list.length === 0 ? (
        <Empty>{t("announcements.none")}</Empty>
      ) : (
        <ul className="space-y-3">
          {list.map((a) => (
            <li key={a.id}>
              <Card>
                <article>
                  <h2 className="font-semibold">{a.title}</h2>
                  <p className="text-xs text-slate-700">
                    {a.scheduled ? t("announcements.scheduledFor", { date: f.dateTime(a.publishAt) }) : f.dateTime(a.publishAt)}
                    {manager && ` · ${t(`announcements.audience.${a.audience}`)}`}
                  </p>
                  <p className="mt-2 whitespace-pre-line text-sm">{a.body}</p>
                  {manager && (
                    <Button variant="secondary" className="mt-2" onClick={() => void archive({ id: a.id })}>
                      {t("announcements.archive")}
                    </Button>
                  )}
                </article>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function Compose() {
  const { t } = useTranslation();
  const { timeZone } = useFormat();
  const [{ data: blocks }] = useQuery({ query: BlocksQuery });
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [audience, setAudience] = useState<AnnouncementAudience>("ALL");
  const [blockIds, setBlockIds] = useState<string[]>([]);
  const [targets, setTargets] = useState<Target[]>([]);
  const [publishAt, setPublishAt] = useState("");
  const [result, publish] = useMutation(PublishMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await publish({
      input: {
        title,
        body,
        audience,
        ...(audience === "BLOCKS" ? { blockIds } : {}),
        ...(audience === "UNITS" ? { unitIds: targets.map((x) => x.id) } : {}),
        ...(audience === "RESIDENTS" ? { residentIds: targets.map((x) => x.id) } : {}),
        ...(publishAt ? { publishAt: zonedInputToIso(publishAt, timeZone) } : {}),
      },
    });
    setError(appErrorOf(r.error));
    if (!r.error) {
      setDone(true);
      setTitle("");
      setBody("");
    }
  }

  return (
    <Card title={t("announcements.compose")}>
      <form onSubmit={submit} className="space-y-3" noValidate>
        <TextField label={t("announcements.titleLabel")} name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={error} />
        <TextArea label={t("announcements.body")} name="body" value={body} onChange={(e) => setBody(e.target.value)} error={error} />
        <Select
          label={t("announcements.audienceLabel")}
          name="audience"
          value={audience}
          onChange={(e) => {
            setAudience(e.target.value as AnnouncementAudience);
            setTargets([]);
          }}
          options={(["ALL", "BLOCKS", "UNITS", "RESIDENTS"] as const).map((a) => ({ value: a, label: t(`announcements.audience.${a}`) }))}
          error={error}
        />
        {audience === "BLOCKS" && (
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">{t("announcements.blocks")}</legend>
            {(blocks?.blocks ?? []).map((b) => (
              <label key={b.id} className="flex min-h-11 items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="h-5 w-5"
                  checked={blockIds.includes(b.id)}
                  onChange={(e) => setBlockIds(e.target.checked ? [...blockIds, b.id] : blockIds.filter((x) => x !== b.id))}
                />
                {b.name}
              </label>
            ))}
          </fieldset>
        )}
        {(audience === "UNITS" || audience === "RESIDENTS") && (
          <TargetPicker kind={audience} selected={targets} onChange={setTargets} />
        )}
        <TextField
          label={t("announcements.publishAt")}
          hint={t("announcements.publishAtHint")}
          name="publishAt"
          type="datetime-local"
          value={publishAt}
          onChange={(e) => setPublishAt(e.target.value)}
          error={error}
        />
        <ErrorNote error={error} fields={["title", "body", "audience", "publishAt", "blockIds", "unitIds", "residentIds"]} />
        <Button type="submit" disabled={result.fetching}>{publishAt ? t("announcements.schedule") : t("announcements.publish")}</Button>
        {done && <p role="status" className="text-sm text-green-800">{t("announcements.published")}</p>}
      </form>
    </Card>
  );
}

interface Target {
  id: string;
  label: string;
}

/** Units or residents to address, found by search (unit number; name or phone). */
function TargetPicker({ kind, selected, onChange }: { kind: "UNITS" | "RESIDENTS"; selected: Target[]; onChange: (t: Target[]) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const variables = { search: search.trim() || null };
  const [{ data: units }] = useQuery({ query: UnitSearch, variables, pause: kind !== "UNITS" });
  const [{ data: residents }] = useQuery({ query: ResidentSearch, variables, pause: kind !== "RESIDENTS" });
  const found: Target[] =
    kind === "UNITS"
      ? (units?.units.nodes ?? []).map((u) => ({ id: u.id, label: `${u.block.name} · ${u.number}` }))
      : (residents?.residents.nodes ?? []).map((r) => ({ id: r.id, label: r.fullName }));
  const chosen = new Set(selected.map((x) => x.id));
  const shown = [...selected, ...found.filter((x) => !chosen.has(x.id))];
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">{t(`announcements.targets.${kind}`)}</legend>
      <TextField
        label={t(`announcements.targetSearch.${kind}`)}
        name="targetSearch"
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ul className="max-h-64 space-y-1 overflow-y-auto">
        {shown.map((x) => (
          <li key={x.id}>
            <label className="flex min-h-11 items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="h-5 w-5"
                checked={chosen.has(x.id)}
                onChange={(e) => onChange(e.target.checked ? [...selected, x] : selected.filter((s) => s.id !== x.id))}
              />
              {x.label}
            </label>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-700" aria-live="polite">{t("announcements.targetsChosen", { count: selected.length })}</p>
    </fieldset>
  );
}
