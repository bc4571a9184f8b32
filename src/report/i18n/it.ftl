# Messaggi del rapporto di vocaudit: italiano.

## Esito

verdict-pass = CONFORME
verdict-fail = DISCREPANZE
verdict-incomplete = INCOMPLETO
headline-fail = { $count ->
    [one] DISCREPANZE — 1 verifica non superata
   *[other] DISCREPANZE — { $count } verifiche non superate
}
explain-pass = Tutte le verifiche sono state superate: i risultati pubblicati coincidono con lo scrutinio ricalcolato a partire dalle prove.
explain-fail = È stata rilevata almeno una discrepanza tra i dati pubblicati e quanto consentito dal protocollo. Si vedano le anomalie più sotto.
explain-incomplete = Non è stato possibile completare la verifica: alcune prove non sono state ottenute o sono state rifiutate. I risultati che seguono sono parziali.
check-counts = { $pass } superate · { $fail } non superate · { $warn } con avvisi · { $skip } saltate
election-count = { $count ->
    [one] 1 votazione
   *[other] { $count } votazioni
}
meta-line = Verifica indipendente eseguita con { $tool }, generata il { $date }.
failing-alert = { $count ->
    [one] 1 anomalia bloccante.
   *[other] { $count } anomalie bloccanti.
}
failing-alert-where = Ciascuna è elencata, con la sua posizione, in

## Intestazione

header-organisation = Organizzazione
header-process = Processo
header-saas-process = Identificativo del processo (SaaS)
header-elections = { $count ->
    [one] Votazione
   *[other] Votazioni
}
header-chain = Identificativo della catena
header-node = API del nodo
header-saas = API del SaaS
header-fetched = Dati ottenuti il
header-manifest = SHA-256 del manifesto del pacchetto di prove
header-tool = Strumento

## Votazione

election-heading = Votazione { $n }
not-final-strong = Risultati non definitivi.
not-final-text = Il nodo non indica questi risultati come definitivi: possono ancora cambiare.
def-election-id = Identificativo della votazione
def-status = Stato
results-final = risultati definitivi
results-not-final = risultati non definitivi
def-start = Inizio
def-end = Fine
ended-early = chiusa in anticipo dall'organizzazione
def-scheduled-end = Fine prevista
def-actual-end = Fine effettiva
actual-end-manual = chiusa a mano al blocco { $height }
actual-end-scheduled = alla fine prevista
history-heading = Storia sulla catena
col-height = Blocco
col-time = Ora
col-event = Evento
col-signer = Firmatario
metadata-versions-heading = Versioni dei metadati
col-document = Documento
col-integrity = Integrità
col-changes = Modifiche per chi vota
metadata-verified = verificato
metadata-mismatch = non corrisponde
metadata-unrecorded = nessun hash registrato
metadata-unreachable = irraggiungibile
metadata-changed-after-start = modificato a votazione iniziata
def-visibility = Visibilità dei risultati
visibility-live = in tempo reale (voti in chiaro)
visibility-secret = segreti fino alla chiusura (voti cifrati)
def-authentication = Autenticazione
auth-csp = credenziali CSP (un servizio di credenziali firma il diritto di voto di ciascuno)
auth-list = elenco degli aventi diritto
auth-weighted-list = elenco ponderato (ogni votante ha un peso di voto)
auth-token = possessori di token
auth-anonymous = anonima (prove a conoscenza zero)
auth-other = altra
def-census-origin = Origine dell'elenco elettorale
def-census-root = Radice dell'elenco elettorale
def-census-uri = URI dell'elenco elettorale
def-zk-keys = Chiavi del circuito
zk-key-proofs = { $count } prove
zk-key-not-vocdoni = non è una chiave di Vocdoni: fidata solo perché indicata con --zk-key
def-encrypted = Cifrata
def-votes = Voti
votes-line = { $listed } espressi · { $counted } conteggiati · { $skipped } scartati
votes-published = voteCount pubblicato: { $count }
def-checks = Verifiche
yes = sì
no = no
unknown = sconosciuto

## Partecipazione

participation-heading = Partecipazione
eligible-voters = Aventi diritto al voto
source-census-dump = foglie dell'esportazione dell'elenco elettorale
source-saas-size = la dimensione dell'elenco nel SaaS
source-max-census = la dimensione massima dell'elenco della votazione (un limite superiore)
source-none = nessuna fonte lo indica
ballots-cast = Schede espresse
vote-count-note = voteCount del nodo: { $count }
ballots-counted = Schede conteggiate
ballots-skipped = Schede scartate
participation = Affluenza
participation-note = schede espresse sul totale degli aventi diritto
eligible-power = Peso di voto totale dell'elenco
power-source-census-dump = somma dei pesi dell'esportazione dell'elenco
power-source-saas = il peso totale dell'elenco nel SaaS
power-used = Peso di voto esercitato
power-used-note = dalle schede conteggiate
weighted-participation = Affluenza ponderata

## Risultati

questions-heading = Quesiti
results-heading = Risultati
by-choice-heading = Risultati per opzione
by-choice-multiple = Scheda a scelta multipla: ogni riga dei risultati sopra è una posizione selezionata; il totale di un'opzione è la sua colonna sommata su di esse, quindi una scheda conta una volta per ogni opzione che seleziona e le percentuali superano il 100 %. Le astensioni sono i valori di astensione della scheda.
by-choice-approval = Scheda di approvazione: ogni riga dei risultati sopra è un'opzione; le sue approvazioni sono la colonna «1».
by-choice-budget = Scheda di bilancio: ogni riga dei risultati sopra è un'opzione; il suo importo è la prima colonna.
choice-abstain = Astensione
selection-title = { $question } (selezione { $n })
results-differ = Le righe evidenziate differiscono tra i risultati pubblicati e lo scrutinio ricalcolato.
col-question = Quesito
col-choice = Opzione
col-computed = Ricalcolato ({ $unit })
unit-votes = voti
unit-power = peso di voto
col-of-counted = % dei conteggiati
col-of-eligible = % degli aventi diritto
col-published = Pubblicato
col-match = Coincide
match-differs = ≠ differisce
not-applicable = n.d.
no-results = Non è stato calcolato né pubblicato alcun risultato.
question-fallback = Quesito { $n }
choice-fallback = Valore { $n }

## Grafici

charts-heading = Grafici
charts-note = Barre: risultati ricalcolati con la loro percentuale sulle schede conteggiate (in vermiglione se differiscono dal valore pubblicato). Linea nera: il valore pubblicato.
chart-question-title = Q{ $n }: { $title }
chart-axis-computed = { $unit } (ricalcolato)
chart-axis-published = { $unit } (pubblicato)
chart-legend-computed = ricalcolato
chart-legend-differs = diverso dal pubblicato
chart-legend-published = pubblicato
chart-bar-published = { $value } (pubblicato: { $published })
chart-bar-not-published = { $value } (non pubblicato)
chart-bar-share = { $value } ({ $percent })
chart-participation-title = Affluenza nel tempo (UTC)
chart-participation-title-day = Affluenza nel tempo (UTC, { $day })
chart-axis-votes = voti
chart-alt-question = Grafico a barre del quesito { $n }, { $title }: { $bars }.
chart-alt-participation = Grafico a barre dei voti espressi per intervallo di tempo, { $count } intervalli, dal { $from } al { $to } (UTC).
chart-timeline-title = Cronologia: voti e ciò che la catena ha registrato (UTC)
chart-axis-votes-so-far = voti finora
chart-alt-timeline = Grafico a linee dei voti contati nel tempo, { $votes } in tutto, con segni: { $marks }.
timeline-votes = voti finora
timeline-created = creata
timeline-start = apertura del voto
timeline-status = cambio di stato
timeline-census = cambio del censimento
timeline-duration = cambio di durata
timeline-key-added = chiave aggiunta
timeline-scheduled-end = fine prevista
timeline-actual-end = fine effettiva (manuale)
timeline-key-revealed = chiave rivelata

## Verifiche e anomalie

check-catalogue-heading = Catalogo delle verifiche
evidence-checks-heading = Verifiche sulle prove
col-check = Verifica
col-category = Categoria
col-title = Titolo
col-status = Stato
col-outcome = Esito
col-findings = Anomalie
col-location = Posizione
col-what = Che cosa
col-expected = Atteso
col-actual = Rilevato
loc-election = votazione
loc-vote = voto
loc-tx = transazione
loc-cell = cella
loc-key-index = indice della chiave
status-pass = superata
status-fail = non superata
status-warn = avviso
status-skip = saltata
findings-heading = Anomalie
no-check-failed = Nessuna verifica è fallita.
failures-heading = Verifiche non superate
warnings-heading = Avvisi (non è stato possibile verificare con esattezza)

## Prove

evidence-heading = Prove
bundle-files = File del pacchetto
bundle-none = Pacchetto di prove
bundle-none-value = non registrato
report-schema = Schema del rapporto
generated-at = Generato il
percent-note = Le percentuali sono esatte a due decimali, con l'ultimo arrotondato per eccesso a partire dalla metà. Tutti gli orari sono in UTC.
self-contained-note = Questa pagina è autonoma e non effettua alcuna richiesta di rete. Il rapporto leggibile dalle macchine è report.json, nella stessa cartella.

## Terminale

term-verdict = esito: { $verdict } ({ $counts })
term-generated = generato il { $date }
term-bundle = SHA-256 del manifesto del pacchetto: { $sha } ({ $files } file)
term-evidence-checks = verifiche sulle prove: { $counts }
term-election = Votazione { $id }
term-status = stato { $status } · elenco { $census } · { $encrypted }
term-encrypted = cifrata
term-not-encrypted = non cifrata
term-window = apertura { $start } · fine prevista { $end }
term-actual-end = fine effettiva { $time } ({ $how })
term-votes = voti: { $listed } espressi, { $counted } conteggiati, { $skipped } scartati
term-votes-published = , voteCount pubblicato: { $count }
term-skipped-reason = { $count } scartati: { $reason }
term-turnout = affluenza: { $percent } su { $eligible } aventi diritto
term-turnout-count = affluenza: { $eligible } aventi diritto
term-turnout-unknown = affluenza: numero degli aventi diritto sconosciuto
term-power = peso di voto { $used } su { $eligible } ({ $percent })
term-not-final = risultati non definitivi: possono ancora cambiare
term-no-results = risultati: nessuno calcolato o pubblicato
term-col-computed = ricalcolato
term-col-computed-power = ricalcolato (peso)
term-col-of-counted = % conteggiati
term-col-published = pubblicato
term-checks = verifiche: { $counts }
term-failing = Anomalie bloccanti ({ $count })
term-col-message = messaggio
term-warned = { $count ->
    [one] 1 verifica non si è potuta completare con esattezza (avviso); per i dettagli si veda report.html.
   *[other] { $count } verifiche non si sono potute completare con esattezza (avviso); per i dettagli si veda report.html.
}

## PDF

pdf-running-header = Rapporto di vocaudit — { $id }
pdf-page = Pagina { $n } di { $total }
pdf-summary-sha = SHA-256 del riepilogo firmato (summary.json)
pdf-note = Il rapporto leggibile dalle macchine è report.json; summary.json e la sua firma minisign, summary.json.minisig, permettono a chiunque di verificare che questo rapporto è quello firmato.
pdf-rows-omitted = Le altre { $count } righe sono in results.csv e report.html.
demo-verify = Verificare il riepilogo firmato con il comune minisign:

## Date (sempre in UTC)

number-abbreviated = { $head }…{ $tail } ({ $digits } cifre)
date-time = { $day } { $month } { $year }, ore { $time } UTC
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre

## Titoli delle verifiche: uno per voce del catalogo

check-V-BUNDLE-01 = Integrità del pacchetto di prove
check-V-BUNDLE-02 = Prove ottenute (verifica complessiva)
check-V-BUNDLE-03 = Prove ottenute (votazione)
check-V-BUNDLE-04 = Stessa domanda, stessa risposta
check-V-CROSS-01 = Quesiti del SaaS sulla catena
check-V-CROSS-02 = Il SaaS concorda con la catena
check-V-CROSS-03 = Numeri dell'elenco elettorale nel SaaS
check-V-PID-01 = Struttura dell'identificativo della votazione
check-V-COUNT-01 = I conteggi dei voti coincidono
check-V-COUNT-02 = Nessun voto duplicato
check-V-COUNT-03 = Modifiche del voto entro il limite
check-V-COUNT-04 = Votanti entro la dimensione dell'elenco elettorale
check-V-TXHASH-01 = Hash delle transazioni
check-V-SIG-01 = Firme dei voti
check-V-NULL-01 = Nullificatori
check-V-CENSUS-01 = L'esportazione dell'elenco elettorale ricostruisce la radice
check-V-CENSUS-02 = Prove di Merkle dell'elenco elettorale
check-V-CENSUS-03 = Prove CSP
check-V-CENSUS-04 = Prove CSP vincolate alla votazione
check-V-CENSUS-05 = Diritto di voto verificato per ogni voto
check-V-ZK-01 = Le prove Groth16 sono valide
check-V-ZK-02 = Prove generate per questa votazione
check-V-ZK-03 = Prove riferite alla radice dell'elenco elettorale
check-V-ZK-04 = Prove vincolate al pacchetto del voto
check-V-ZK-05 = Nullificatori ricavati dalle prove
check-V-ZK-06 = Pesi ricavati dalle prove
check-V-ZK-07 = Radici SIK
check-V-WEIGHT-01 = Pesi dei voti
check-V-KEYS-01 = Chiavi rivelate
check-V-KEYS-02 = Chiavi rivelate per gli indici dei voti
check-V-KEYS-03 = La decifratura coincide con il pacchetto del nodo
check-V-BALLOT-01 = Schede decodificate e convalidate
check-V-BALLOT-02 = Valori delle schede nell'intervallo sicuro
check-V-TALLY-01 = I risultati coincidono con lo scrutinio ricalcolato
check-V-TALLY-02 = Il risultato di consenso (scrutiny) coincide con lo scrutinio ricalcolato
check-V-TALLY-03 = Codifica ABI del risultato di consenso (scrutiny)
check-V-WINDOW-01 = Voti entro il periodo di votazione
check-V-HIST-01 = Chi ha creato e modificato la votazione
check-V-HIST-02 = Fine effettiva
check-V-HIST-03 = Storia dell'elenco elettorale
check-V-HIST-04 = Integrità dei metadati
check-V-HIST-05 = Storia delle chiavi
