# vocaudit report messages: English (the reference: every other language has exactly these ids).
# Numbers, percentages and dates arrive already formatted for the language.

## Verdict

verdict-pass = PASS
verdict-fail = FAIL
verdict-incomplete = INCOMPLETE
headline-fail = { $count ->
    [one] FAIL — 1 check failed
   *[other] FAIL — { $count } checks failed
}
explain-pass = Every check passed: the published results match what was recomputed from the evidence.
explain-fail = At least one discrepancy was found between the published data and what the protocol allows. See the findings below.
explain-incomplete = The audit could not be completed: some evidence could not be obtained or was refused. The results below are partial.
check-counts = { $pass } passed · { $fail } failed · { $warn } warned · { $skip } skipped
election-count = { $count ->
    [one] 1 election
   *[other] { $count } elections
}
meta-line = Independent verification by { $tool }, generated { $date }.
failing-alert = { $count ->
    [one] 1 failing finding.
   *[other] { $count } failing findings.
}
failing-alert-where = Each is listed with its location under

## Header

header-organisation = Organisation
header-process = Process
header-saas-process = SaaS process id
header-elections = { $count ->
    [one] Election
   *[other] Elections
}
header-chain = Chain id
header-node = Node API
header-saas = SaaS API
header-fetched = Fetched at
header-manifest = Bundle manifest sha256
header-tool = Tool

## Election

election-heading = Election { $n }
not-final-strong = Results not final.
not-final-text = The node does not mark these results final: they may still change.
def-election-id = Election id
def-status = Status
results-final = results final
results-not-final = results not final
def-start = Start
def-end = End
ended-early = ended early by the organisation
def-scheduled-end = Scheduled end
def-actual-end = Actual end
actual-end-manual = ended by hand at block { $height }
actual-end-scheduled = at the scheduled end
history-heading = History on chain
col-height = Block
col-time = Time
col-event = Event
col-signer = Signer
metadata-versions-heading = Metadata versions
col-document = Document
col-integrity = Integrity
col-changes = Changes for voters
metadata-verified = verified
metadata-mismatch = mismatch
metadata-unrecorded = no hash recorded
metadata-unreachable = unreachable
metadata-changed-after-start = changed after voting started
def-visibility = Results visibility
visibility-live = live (votes in the clear)
visibility-secret = secret until the end (encrypted votes)
def-authentication = Authentication
auth-csp = CSP credentials (a credential service signs each voter's right)
auth-list = list of voters
auth-weighted-list = weighted list of voters (voting power per voter)
auth-token = token holders
auth-anonymous = anonymous (zero-knowledge proofs)
auth-other = other
def-census-origin = Census origin
def-census-root = Census root
def-census-uri = Census URI
def-zk-keys = Circuit keys
zk-key-proofs = { $count } proofs
zk-key-not-vocdoni = not one of Vocdoni's keys: trusted only because --zk-key named it
def-encrypted = Encrypted
def-votes = Votes
votes-line = { $listed } listed · { $counted } counted · { $skipped } skipped
votes-published = published voteCount { $count }
def-checks = Checks
yes = yes
no = no
unknown = unknown

## Participation

participation-heading = Participation
eligible-voters = Eligible voters
source-census-dump = leaves of the census dump
source-saas-size = the SaaS census size
source-max-census = the election's maximum census size (an upper bound)
source-none = no source gives it
ballots-cast = Ballots cast
vote-count-note = the node's voteCount: { $count }
ballots-counted = Ballots counted
ballots-skipped = Ballots skipped
participation = Participation
participation-note = ballots cast of eligible voters
eligible-power = Eligible voting power
power-source-census-dump = sum of the census dump's weights
power-source-saas = the SaaS census total weight
power-used = Voting power used
power-used-note = by the counted ballots
weighted-participation = Weighted participation

## Results

questions-heading = Questions
results-heading = Results
by-choice-heading = Results by choice
by-choice-multiple = A multiple-choice ballot: each row of the results above is one selected position; a choice's total is its column summed over them, so a ballot counts once for every choice it selects and the shares add up to more than 100 %. Abstentions are the ballot's abstain values.
by-choice-approval = An approval ballot: each row of the results above is one choice; its approvals are the "1" column.
by-choice-budget = A budget ballot: each row of the results above is one choice; its amount is the first column.
choice-abstain = Abstention
selection-title = { $question } (selection { $n })
results-differ = Highlighted rows differ between the published results and the recomputed tally.
col-question = Question
col-choice = Choice
col-computed = Computed ({ $unit })
unit-votes = votes
unit-power = voting power
col-of-counted = % of counted
col-of-eligible = % of eligible
col-published = Published
col-match = Match
match-differs = ≠ differs
not-applicable = n/a
no-results = No results were computed or published.
question-fallback = Question { $n }
choice-fallback = Value { $n }

## Charts

charts-heading = Charts
charts-note = Bars: computed results with their share of the counted ballots (vermillion where they differ from the published value). Black line: the published value.
chart-question-title = Q{ $n }: { $title }
chart-axis-computed = { $unit } (computed)
chart-axis-published = { $unit } (published)
chart-legend-computed = computed
chart-legend-differs = differs from published
chart-legend-published = published
chart-bar-published = { $value } (published { $published })
chart-bar-not-published = { $value } (not published)
chart-bar-share = { $value } ({ $percent })
chart-participation-title = Participation over time (UTC)
chart-participation-title-day = Participation over time (UTC, { $day })
chart-axis-votes = votes
chart-alt-question = Bar chart of question { $n }, { $title }: { $bars }.
chart-alt-participation = Bar chart of the votes cast per time interval, { $count } intervals, from { $from } to { $to } (UTC).
chart-timeline-title = Timeline: votes and what the chain recorded (UTC)
chart-axis-votes-so-far = votes so far
chart-alt-timeline = Line chart of the votes counted over time, { $votes } in all, with marks: { $marks }.
timeline-votes = votes so far
timeline-created = created
timeline-start = voting opens
timeline-status = status change
timeline-census = census change
timeline-duration = duration change
timeline-key-added = key added
timeline-scheduled-end = scheduled end
timeline-actual-end = actual end (by hand)
timeline-key-revealed = key revealed

## Checks and findings

check-catalogue-heading = Check catalogue
evidence-checks-heading = Evidence checks
col-check = Check
col-category = Category
col-title = Title
col-status = Status
col-outcome = Outcome
col-findings = Findings
col-location = Location
col-what = What
col-expected = Expected
col-actual = Actual
loc-election = election
loc-vote = vote
loc-tx = tx
loc-cell = cell
loc-key-index = key index
status-pass = pass
status-fail = fail
status-warn = warn
status-skip = skip
findings-heading = Findings
no-check-failed = No check failed.
failures-heading = Failures
warnings-heading = Warnings (could not be verified exactly)

## Evidence

evidence-heading = Evidence
bundle-files = Bundle files
bundle-none = Bundle
bundle-none-value = none recorded
report-schema = Report schema
generated-at = Generated at
percent-note = Percentages are exact to two decimals, the last one rounded half up. All times are UTC.
self-contained-note = This page is self-contained and makes no network request. The machine-readable report is report.json beside it.

## Terminal

term-verdict = verdict: { $verdict } ({ $counts })
term-generated = generated { $date }
term-bundle = bundle manifest sha256 { $sha } ({ $files } files)
term-evidence-checks = evidence checks: { $counts }
term-election = Election { $id }
term-status = status { $status } · census { $census } · { $encrypted }
term-encrypted = encrypted
term-not-encrypted = not encrypted
term-window = voting opened { $start } · scheduled end { $end }
term-actual-end = actual end { $time } ({ $how })
term-votes = votes: { $listed } listed, { $counted } counted, { $skipped } skipped
term-votes-published = , published voteCount { $count }
term-skipped-reason = skipped { $count }: { $reason }
term-turnout = turnout: { $percent } of { $eligible } eligible voters
term-turnout-count = turnout: { $eligible } eligible voters
term-turnout-unknown = turnout: eligible voters unknown
term-power = voting power { $used } of { $eligible } ({ $percent })
term-not-final = results not final: they may still change
term-no-results = results: none computed or published
term-col-computed = computed
term-col-computed-power = computed (power)
term-col-of-counted = % counted
term-col-published = published
term-checks = checks: { $counts }
term-failing = Failing findings ({ $count })
term-col-message = message
term-warned = { $count ->
    [one] 1 check could not be verified exactly (warn); see report.html for details.
   *[other] { $count } checks could not be verified exactly (warn); see report.html for details.
}

## PDF

pdf-running-header = vocaudit report — { $id }
pdf-page = Page { $n } of { $total }
pdf-summary-sha = sha256 of the signed summary (summary.json)
pdf-note = The machine-readable report is report.json; summary.json and its minisign signature summary.json.minisig let anyone check that this report is the one signed.
pdf-rows-omitted = { $count } more rows are in results.csv and report.html.
demo-verify = Check the signed summary with the stock minisign:

## Dates (always UTC)

number-abbreviated = { $head }…{ $tail } ({ $digits } digits)
date-time = { $day } { $month } { $year }, { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Check titles: one per catalogue entry (src/verify/catalogue.rs), the English equal to its title

check-V-BUNDLE-01 = Bundle integrity
check-V-BUNDLE-02 = Evidence obtained (audit)
check-V-BUNDLE-03 = Evidence obtained (election)
check-V-BUNDLE-04 = Same question, same answer
check-V-CROSS-01 = SaaS questions on chain
check-V-CROSS-02 = SaaS agrees with the chain
check-V-CROSS-03 = SaaS census numbers
check-V-PID-01 = Election id layout
check-V-COUNT-01 = Vote counts agree
check-V-COUNT-02 = No duplicate vote
check-V-COUNT-03 = Overwrites within the limit
check-V-COUNT-04 = Voters within the census size
check-V-TXHASH-01 = Transaction hashes
check-V-SIG-01 = Vote signatures
check-V-NULL-01 = Nullifiers
check-V-CENSUS-01 = Census dump rebuilds the root
check-V-CENSUS-02 = Census Merkle proofs
check-V-CENSUS-03 = CSP proofs
check-V-CENSUS-04 = CSP proofs bound to the election
check-V-CENSUS-05 = Every vote's eligibility checked
check-V-ZK-01 = Groth16 proofs verify
check-V-ZK-02 = Proofs made for this election
check-V-ZK-03 = Proofs against the census root
check-V-ZK-04 = Proofs bound to the vote package
check-V-ZK-05 = Nullifiers from the proofs
check-V-ZK-06 = Weights from the proofs
check-V-ZK-07 = SIK roots
check-V-WEIGHT-01 = Vote weights
check-V-KEYS-01 = Revealed keys
check-V-KEYS-02 = Vote key indexes revealed
check-V-KEYS-03 = Decryption matches the served package
check-V-BALLOT-01 = Ballots decoded and validated
check-V-BALLOT-02 = Ballot values in the safe range
check-V-TALLY-01 = Results match the recomputed tally
check-V-TALLY-02 = Scrutiny matches the recomputed tally
check-V-TALLY-03 = Scrutiny ABI encoding
check-V-WINDOW-01 = Votes inside the voting window
check-V-HIST-01 = Who created and changed the election
check-V-HIST-02 = Actual end
check-V-HIST-03 = Census history
check-V-HIST-04 = Metadata integrity
check-V-HIST-05 = Key history
