import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQuery, useSubscription } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../gql";
import type { Eligibility, Ballot } from "../gql/graphql";
import { appErrorOf, type AppError } from "../lib/errors";
import { zonedInputToIso } from "../lib/format";
import { useFormat } from "../lib/useFormat";
import { useSession } from "../auth/useSession";
import { Button, Card, Empty, ErrorNote, Loading, Page, Select, TextArea, TextField } from "../ui/kit";

const PollsQuery = graphql(`
  query Polls {
    polls(first: 50) {
      nodes {
        id
        title
        isOpen
        closesAt
        myVote
        tally {
          pollId
          total
          closed
          hidden
        }
      }
    }
  }
`);

const PollQuery = graphql(`
  query Poll($id: ID!) {
    poll(id: $id) {
      id
      title
      description
      eligibility
      ballot
      hideResultsUntilClose
      opensAt
      closesAt
      isOpen
      myVote
      options {
        id
        position
        label
      }
      tally {
        pollId
        total
        closed
        hidden
        results {
          optionId
          label
          votes
        }
      }
    }
  }
`);

const TallyLive = graphql(`
  subscription TallyLive($pollId: ID!) {
    voteTally(pollId: $pollId) {
      pollId
      total
      closed
      hidden
      results {
        optionId
        label
        votes
      }
    }
  }
`);

const VoteMutation = graphql(`
  mutation CastVote($pollId: ID!, $optionId: ID!) {
    castVote(pollId: $pollId, optionId: $optionId) {
      pollId
      total
      closed
      hidden
      results {
        optionId
        label
        votes
      }
    }
  }
`);

const ClosePollMutation = graphql(`
  mutation ClosePoll($id: ID!) {
    closePoll(id: $id) {
      id
      isOpen
    }
  }
`);

const CreatePollMutation = graphql(`
  mutation CreatePoll($input: CreatePollInput!) {
    createPoll(input: $input) {
      id
    }
  }
`);

export function Polls() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({ query: PollsQuery });
  const polls = data?.polls.nodes ?? [];
  return (
    <Page title={t("polls.title")}>
      {session?.role === "MANAGER" && <CreatePoll />}
      <ErrorNote error={appErrorOf(error)} />
      {fetching && !data ? (
        <Loading />
      ) : polls.length === 0 ? (
        <Empty>{t("polls.none")}</Empty>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {[...polls].reverse().map((p) => (
              <li key={p.id}>
                <Link to={`/polls/${encodeURIComponent(p.id)}`} className="flex items-center justify-between gap-2 py-3">
                  <span>
                    <span className="block font-medium">{p.title}</span>
                    <span className="block text-xs text-slate-600">
                      {p.isOpen ? t("polls.closesAt", { date: f.dateTime(p.closesAt) }) : t("polls.closed")}
                    </span>
                  </span>
                  <span className="text-sm text-slate-700">{t("polls.votes", { count: p.tally.total })}</span>
                </Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </Page>
  );
}

export function PollDetail() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const [{ data, fetching, error }] = useQuery({ query: PollQuery, variables: { id } });
  // Live tally: lands on the poll's VoteTally in the cache.
  useSubscription({ query: TallyLive, variables: { pollId: id } });
  const [vote, castVote] = useMutation(VoteMutation);
  const [closing, closePoll] = useMutation(ClosePollMutation);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const poll = data?.poll;
  if (fetching && !poll) return <Loading />;
  if (!poll) return <Page title={t("polls.title")}><ErrorNote error={appErrorOf(error)} /></Page>;

  const canVote = session?.role === "RESIDENT" && poll.isOpen && !poll.myVote;
  const results = poll.tally.results ?? [];
  const max = Math.max(1, ...results.map((r) => r.votes));
  return (
    <Page title={poll.title}>
      <Card>
        {poll.description && <p className="mb-2 text-sm text-slate-800">{poll.description}</p>}
        <p className="text-sm text-slate-700">
          {poll.isOpen ? t("polls.closesAt", { date: f.dateTime(poll.closesAt) }) : t("polls.closed")} ·{" "}
          {t(`polls.eligibility.${poll.eligibility}`)} · {t(`polls.ballot.${poll.ballot}`)}
        </p>
        <p className="mt-2 text-lg font-semibold" data-testid="tally-total" aria-live="polite">
          {t("polls.votes", { count: poll.tally.total })}
        </p>
      </Card>
      {canVote && (
        <Card title={t("polls.castVote")}>
          <div className="flex flex-col gap-2">
            {poll.options.map((o) => (
              <Button
                key={o.id}
                variant="secondary"
                disabled={vote.fetching}
                onClick={async () => {
                  const r = await castVote({ pollId: poll.id, optionId: o.id });
                  setActionError(appErrorOf(r.error));
                }}
              >
                {o.label}
              </Button>
            ))}
          </div>
        </Card>
      )}
      {poll.myVote && (
        <p role="status" className="rounded-lg bg-green-50 p-3 text-sm text-green-900">
          {t("polls.youVoted", { option: poll.options.find((o) => o.id === poll.myVote)?.label ?? "" })}
        </p>
      )}
      <ErrorNote error={actionError} />
      <Card title={t("polls.results")}>
        {poll.tally.hidden ? (
          <p className="text-sm text-slate-700">{t("polls.hidden")}</p>
        ) : (
          <ul className="space-y-3" aria-live="polite">
            {results.map((r) => (
              <li key={r.optionId} data-testid="result">
                <div className="flex justify-between text-sm">
                  <span>{r.label}</span>
                  <span className="font-semibold tabular-nums" data-testid={`votes-${r.label}`}>
                    {r.votes}
                  </span>
                </div>
                <div className="mt-1 h-3 rounded bg-slate-100" aria-hidden="true">
                  <div className="h-3 rounded bg-teal-700" style={{ width: `${(r.votes / max) * 100}%` }} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {session?.role === "MANAGER" && poll.isOpen && (
        <Button
          variant="danger"
          disabled={closing.fetching}
          onClick={async () => {
            const r = await closePoll({ id: poll.id });
            setActionError(appErrorOf(r.error));
          }}
        >
          {t("polls.close")}
        </Button>
      )}
    </Page>
  );
}

function CreatePoll() {
  const { t } = useTranslation();
  const { timeZone } = useFormat();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [options, setOptions] = useState("Setuju\nTidak setuju");
  const [eligibility, setEligibility] = useState<Eligibility>("UNIT");
  const [ballot, setBallot] = useState<Ballot>("SECRET");
  const [closesAt, setClosesAt] = useState("");
  const [result, create] = useMutation(CreatePollMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [created, setCreated] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(false);
    const r = await create({
      input: {
        title,
        ...(description ? { description } : {}),
        options: options.split("\n").map((o) => o.trim()).filter(Boolean),
        eligibility,
        ballot,
        closesAt: closesAt ? zonedInputToIso(closesAt, timeZone) : "",
      },
    });
    setError(appErrorOf(r.error));
    if (!r.error) {
      setCreated(true);
      setTitle("");
      setDescription("");
    }
  }

  return (
    <Card title={t("polls.create")}>
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-2" noValidate>
        <TextField label={t("polls.pollTitle")} name="title" value={title} onChange={(e) => setTitle(e.target.value)} error={error} />
        <TextField label={t("polls.closesAtLabel")} name="closesAt" type="datetime-local" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} error={error} />
        <TextArea label={t("polls.description")} name="description" value={description} onChange={(e) => setDescription(e.target.value)} error={error} />
        <TextArea label={t("polls.options")} hint={t("polls.optionsHint")} name="options" value={options} onChange={(e) => setOptions(e.target.value)} error={error} />
        <Select
          label={t("polls.eligibilityLabel")}
          name="eligibility"
          value={eligibility}
          onChange={(e) => setEligibility(e.target.value as Eligibility)}
          options={(["UNIT", "RESIDENT"] as const).map((v) => ({ value: v, label: t(`polls.eligibility.${v}`) }))}
        />
        <Select
          label={t("polls.ballotLabel")}
          name="ballot"
          value={ballot}
          onChange={(e) => setBallot(e.target.value as Ballot)}
          options={(["SECRET", "OPEN"] as const).map((v) => ({ value: v, label: t(`polls.ballot.${v}`) }))}
        />
        <div className="md:col-span-2">
          <Button type="submit" disabled={result.fetching}>{t("polls.createSubmit")}</Button>
          {created && <p role="status" className="mt-2 text-sm text-green-800">{t("polls.created")}</p>}
          <ErrorNote error={error} fields={["title", "closesAt", "description", "options"]} />
        </div>
      </form>
    </Card>
  );
}
