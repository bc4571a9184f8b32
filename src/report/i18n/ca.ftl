# Missatges de l'informe de vocaudit: català.

## Veredicte

verdict-pass = CORRECTE
verdict-fail = DISCREPÀNCIES
verdict-incomplete = INCOMPLET
headline-fail = { $count ->
    [one] DISCREPÀNCIES — 1 comprovació ha fallat
   *[other] DISCREPÀNCIES — { $count } comprovacions han fallat
}
explain-pass = Totes les comprovacions s'han superat: els resultats publicats coincideixen amb el recompte recalculat a partir de les proves.
explain-fail = S'ha trobat almenys una discrepància entre les dades publicades i el que permet el protocol. Consulteu les incidències més avall.
explain-incomplete = L'auditoria no s'ha pogut completar: algunes proves no s'han pogut obtenir o s'han rebutjat. Els resultats següents són parcials.
check-counts = { $pass } superades · { $fail } fallides · { $warn } amb avisos · { $skip } omeses
election-count = { $count ->
    [one] 1 votació
   *[other] { $count } votacions
}
meta-line = Verificació independent feta amb { $tool }, generada el { $date }.
failing-alert = { $count ->
    [one] 1 incidència de fallada.
   *[other] { $count } incidències de fallada.
}
failing-alert-where = Cadascuna hi figura, amb la seva ubicació, a

## Capçalera

header-organisation = Organització
header-process = Procés
header-saas-process = Identificador del procés (SaaS)
header-elections = { $count ->
    [one] Votació
   *[other] Votacions
}
header-chain = Identificador de la cadena
header-node = API del node
header-saas = API del SaaS
header-fetched = Dades obtingudes el
header-manifest = SHA-256 del manifest del paquet de proves
header-tool = Eina

## Votació

election-heading = Votació { $n }
not-final-strong = Resultats no definitius.
not-final-text = El node no marca aquests resultats com a definitius: encara poden canviar.
def-election-id = Identificador de la votació
def-status = Estat
results-final = resultats definitius
results-not-final = resultats no definitius
def-start = Inici
def-end = Final
ended-early = finalitzada abans d'hora per l'organització
def-scheduled-end = Final programat
def-actual-end = Final real
actual-end-manual = finalitzada a mà al bloc { $height }
actual-end-scheduled = al final programat
history-heading = Història a la cadena
col-height = Bloc
col-time = Hora
col-event = Esdeveniment
col-signer = Signant
metadata-versions-heading = Versions de les metadades
col-document = Document
col-integrity = Integritat
col-changes = Canvis per als votants
metadata-verified = verificat
metadata-mismatch = no coincideix
metadata-unrecorded = sense hash registrat
metadata-unreachable = inaccessible
metadata-changed-after-start = canviat amb la votació ja iniciada
def-visibility = Visibilitat dels resultats
visibility-live = en directe (vots sense xifrar)
visibility-secret = secrets fins al final (vots xifrats)
def-authentication = Autenticació
auth-csp = credencials CSP (un servei de credencials signa el dret a vot de cada persona)
auth-list = cens de votants
auth-weighted-list = cens ponderat (cada votant té un pes de vot)
auth-token = titulars de tokens
auth-anonymous = anònima (proves de coneixement zero)
auth-other = una altra
def-census-origin = Origen del cens
def-census-root = Arrel del cens
def-census-uri = URI del cens
def-zk-keys = Claus del circuit
zk-key-proofs = { $count } proves
zk-key-not-vocdoni = no és una clau de Vocdoni: de confiança només perquè --zk-key la va indicar
def-encrypted = Xifrada
def-votes = Vots
votes-line = { $listed } emesos · { $counted } comptats · { $skipped } descartats
votes-published = voteCount publicat: { $count }
def-checks = Comprovacions
yes = sí
no = no
unknown = desconegut

## Participació

participation-heading = Participació
eligible-voters = Persones amb dret a vot
source-census-dump = fulles del bolcat del cens
source-saas-size = la mida del cens al SaaS
source-max-census = la mida màxima del cens de la votació (un límit superior)
source-none = cap font no ho indica
ballots-cast = Paperetes emeses
vote-count-note = voteCount del node: { $count }
ballots-counted = Paperetes comptades
ballots-skipped = Paperetes descartades
participation = Participació
participation-note = paperetes emeses sobre el total de persones amb dret a vot
eligible-power = Pes de vot total del cens
power-source-census-dump = suma dels pesos del bolcat del cens
power-source-saas = el pes total del cens al SaaS
power-used = Pes de vot exercit
power-used-note = per les paperetes comptades
weighted-participation = Participació ponderada

## Resultats

questions-heading = Preguntes
results-heading = Resultats
by-choice-heading = Resultats per opció
by-choice-multiple = Papereta d'opció múltiple: cada fila dels resultats de dalt és una posició seleccionada; el total d'una opció és la seva columna sumada sobre totes, de manera que una papereta compta una vegada per cada opció que selecciona i els percentatges sumen més del 100 %. Les abstencions són els valors d'abstenció de la papereta.
by-choice-approval = Papereta d'aprovació: cada fila dels resultats de dalt és una opció; les seves aprovacions són la columna «1».
by-choice-budget = Papereta de pressupost: cada fila dels resultats de dalt és una opció; el seu import és la primera columna.
choice-abstain = Abstenció
selection-title = { $question } (selecció { $n })
results-differ = Les files destacades difereixen entre els resultats publicats i el recompte recalculat.
col-question = Pregunta
col-choice = Opció
col-computed = Recalculat ({ $unit })
unit-votes = vots
unit-power = pes de vot
col-of-counted = % del comptat
col-of-eligible = % del cens
col-published = Publicat
col-match = Coincideix
match-differs = ≠ difereix
not-applicable = n/d
no-results = No s'ha calculat ni publicat cap resultat.
question-fallback = Pregunta { $n }
choice-fallback = Valor { $n }

## Gràfics

charts-heading = Gràfics
charts-note = Barres: resultats recalculats amb el seu percentatge sobre les paperetes comptades (en vermelló quan difereixen del valor publicat). Línia negra: el valor publicat.
chart-question-title = P{ $n }: { $title }
chart-axis-computed = { $unit } (recalculat)
chart-axis-published = { $unit } (publicat)
chart-legend-computed = recalculat
chart-legend-differs = difereix del publicat
chart-legend-published = publicat
chart-bar-published = { $value } (publicat: { $published })
chart-bar-not-published = { $value } (no publicat)
chart-bar-share = { $value } ({ $percent })
chart-participation-title = Participació al llarg del temps (UTC)
chart-participation-title-day = Participació al llarg del temps (UTC, { $day })
chart-axis-votes = vots
chart-alt-question = Gràfic de barres de la pregunta { $n }, { $title }: { $bars }.
chart-alt-participation = Gràfic de barres dels vots emesos per interval de temps, { $count } intervals, del { $from } al { $to } (UTC).
chart-timeline-title = Cronologia: vots i el que va registrar la cadena (UTC)
chart-axis-votes-so-far = vots acumulats
chart-alt-timeline = Gràfic de línies dels vots comptats al llarg del temps, { $votes } en total, amb marques: { $marks }.
timeline-votes = vots acumulats
timeline-created = creada
timeline-start = obertura de la votació
timeline-status = canvi d'estat
timeline-census = canvi de cens
timeline-duration = canvi de durada
timeline-key-added = clau afegida
timeline-scheduled-end = final previst
timeline-actual-end = final real (manual)
timeline-key-revealed = clau revelada

## Comprovacions i incidències

check-catalogue-heading = Catàleg de comprovacions
evidence-checks-heading = Comprovacions de les proves
col-check = Comprovació
col-category = Categoria
col-title = Títol
col-status = Estat
col-outcome = Resultat
col-findings = Incidències
col-location = Ubicació
col-what = Què passa
col-expected = Esperat
col-actual = Trobat
loc-election = votació
loc-vote = vot
loc-tx = transacció
loc-cell = cel·la
loc-key-index = índex de clau
status-pass = superada
status-fail = fallida
status-warn = avís
status-skip = omesa
findings-heading = Incidències
no-check-failed = Cap comprovació no ha fallat.
failures-heading = Fallades
warnings-heading = Avisos (no s'han pogut verificar amb exactitud)

## Proves

evidence-heading = Proves
bundle-files = Fitxers del paquet
bundle-none = Paquet de proves
bundle-none-value = no en consta cap
report-schema = Esquema de l'informe
generated-at = Generat el
percent-note = Els percentatges són exactes amb dos decimals, arrodonint l'últim a la meitat cap amunt. Totes les hores són en UTC.
self-contained-note = Aquesta pàgina és autònoma i no fa cap petició de xarxa. L'informe llegible per màquina és report.json, a la mateixa carpeta.

## Terminal

term-verdict = veredicte: { $verdict } ({ $counts })
term-generated = generat el { $date }
term-bundle = SHA-256 del manifest del paquet: { $sha } ({ $files } fitxers)
term-evidence-checks = comprovacions de les proves: { $counts }
term-election = Votació { $id }
term-status = estat { $status } · cens { $census } · { $encrypted }
term-encrypted = xifrada
term-not-encrypted = sense xifrar
term-window = obertura { $start } · final previst { $end }
term-actual-end = final real { $time } ({ $how })
term-votes = vots: { $listed } emesos, { $counted } comptats, { $skipped } descartats
term-votes-published = , voteCount publicat: { $count }
term-skipped-reason = { $count } descartats: { $reason }
term-turnout = participació: { $percent } de { $eligible } persones amb dret a vot
term-turnout-count = participació: { $eligible } persones amb dret a vot
term-turnout-unknown = participació: es desconeix el nombre de persones amb dret a vot
term-power = pes de vot { $used } de { $eligible } ({ $percent })
term-not-final = resultats no definitius: encara poden canviar
term-no-results = resultats: no se n'ha calculat ni publicat cap
term-col-computed = recalculat
term-col-computed-power = recalculat (pes)
term-col-of-counted = % comptat
term-col-published = publicat
term-checks = comprovacions: { $counts }
term-failing = Incidències de fallada ({ $count })
term-col-message = missatge
term-warned = { $count ->
    [one] 1 comprovació no s'ha pogut verificar amb exactitud (avís); consulteu report.html per a més detalls.
   *[other] { $count } comprovacions no s'han pogut verificar amb exactitud (avís); consulteu report.html per a més detalls.
}

## PDF

pdf-running-header = Informe de vocaudit — { $id }
pdf-page = Pàgina { $n } de { $total }
pdf-summary-sha = SHA-256 del resum signat (summary.json)
pdf-note = L'informe llegible per màquina és report.json; summary.json i la seva signatura minisign, summary.json.minisig, permeten a qualsevol persona comprovar que aquest informe és el signat.
pdf-rows-omitted = Les { $count } files restants són a results.csv i report.html.
demo-verify = Comproveu el resum signat amb el minisign habitual:

## Dates (sempre en UTC)

number-abbreviated = { $head }…{ $tail } ({ $digits } xifres)
date-time = { $day } { $month } de { $year }, { $time } UTC
month-1 = de gener
month-2 = de febrer
month-3 = de març
month-4 = d'abril
month-5 = de maig
month-6 = de juny
month-7 = de juliol
month-8 = d'agost
month-9 = de setembre
month-10 = d'octubre
month-11 = de novembre
month-12 = de desembre

## Títols de les comprovacions: un per entrada del catàleg

check-V-BUNDLE-01 = Integritat del paquet de proves
check-V-BUNDLE-02 = Proves obtingudes (auditoria)
check-V-BUNDLE-03 = Proves obtingudes (votació)
check-V-BUNDLE-04 = Mateixa pregunta, mateixa resposta
check-V-CROSS-01 = Preguntes del SaaS a la cadena
check-V-CROSS-02 = El SaaS coincideix amb la cadena
check-V-CROSS-03 = Xifres del cens al SaaS
check-V-PID-01 = Estructura de l'identificador de la votació
check-V-COUNT-01 = Els nombres de vots coincideixen
check-V-COUNT-02 = Cap vot duplicat
check-V-COUNT-03 = Canvis de vot dins del límit
check-V-COUNT-04 = Votants sense superar la mida del cens
check-V-TXHASH-01 = Hashes de les transaccions
check-V-SIG-01 = Signatures dels vots
check-V-NULL-01 = Nul·lificadors
check-V-CENSUS-01 = El bolcat del cens reconstrueix l'arrel
check-V-CENSUS-02 = Proves de Merkle del cens
check-V-CENSUS-03 = Proves CSP
check-V-CENSUS-04 = Proves CSP vinculades a la votació
check-V-CENSUS-05 = Dret a vot comprovat en cada vot
check-V-ZK-01 = Les proves Groth16 són vàlides
check-V-ZK-02 = Proves generades per a aquesta votació
check-V-ZK-03 = Proves referides a l'arrel del cens
check-V-ZK-04 = Proves vinculades al paquet del vot
check-V-ZK-05 = Nul·lificadors de les proves
check-V-ZK-06 = Pesos de les proves
check-V-ZK-07 = Arrels SIK
check-V-WEIGHT-01 = Pesos dels vots
check-V-KEYS-01 = Claus revelades
check-V-KEYS-02 = Claus revelades per als índexs dels vots
check-V-KEYS-03 = El desxifratge coincideix amb el paquet del node
check-V-BALLOT-01 = Paperetes descodificades i validades
check-V-BALLOT-02 = Valors de les paperetes dins del rang segur
check-V-TALLY-01 = Els resultats coincideixen amb el recompte recalculat
check-V-TALLY-02 = L'escrutini coincideix amb el recompte recalculat
check-V-TALLY-03 = Codificació ABI de l'escrutini
check-V-WINDOW-01 = Vots dins del període de votació
check-V-HIST-01 = Qui va crear i modificar la votació
check-V-HIST-02 = Final real
check-V-HIST-03 = Història del cens
check-V-HIST-04 = Integritat de les metadades
check-V-HIST-05 = Història de les claus
