# Mensajes del informe de vocaudit: español.

## Veredicto

verdict-pass = CORRECTO
verdict-fail = DISCREPANCIAS
verdict-incomplete = INCOMPLETO
headline-fail = { $count ->
    [one] DISCREPANCIAS — 1 comprobación ha fallado
   *[other] DISCREPANCIAS — { $count } comprobaciones han fallado
}
explain-pass = Todas las comprobaciones han sido superadas: los resultados publicados coinciden con el recuento recalculado a partir de las pruebas.
explain-fail = Se ha encontrado al menos una discrepancia entre los datos publicados y lo que permite el protocolo. Consulte las incidencias más abajo.
explain-incomplete = La auditoría no se ha podido completar: algunas pruebas no se han podido obtener o han sido rechazadas. Los resultados siguientes son parciales.
check-counts = { $pass } superadas · { $fail } fallidas · { $warn } con avisos · { $skip } omitidas
election-count = { $count ->
    [one] 1 votación
   *[other] { $count } votaciones
}
meta-line = Verificación independiente realizada con { $tool }, generada el { $date }.
failing-alert = { $count ->
    [one] 1 incidencia de fallo.
   *[other] { $count } incidencias de fallo.
}
failing-alert-where = Cada una figura, con su ubicación, en

## Cabecera

header-organisation = Organización
header-process = Proceso
header-saas-process = Identificador del proceso (SaaS)
header-elections = { $count ->
    [one] Votación
   *[other] Votaciones
}
header-chain = Identificador de la cadena
header-node = API del nodo
header-saas = API del SaaS
header-fetched = Datos obtenidos el
header-manifest = SHA-256 del manifiesto del paquete de pruebas
header-tool = Herramienta

## Votación

election-heading = Votación { $n }
not-final-strong = Resultados no definitivos.
not-final-text = El nodo no marca estos resultados como definitivos: todavía pueden cambiar.
def-election-id = Identificador de la votación
def-status = Estado
results-final = resultados definitivos
results-not-final = resultados no definitivos
def-start = Inicio
def-end = Fin
ended-early = finalizada antes de tiempo por la organización
def-scheduled-end = Fin programado
def-actual-end = Fin real
actual-end-manual = finalizada a mano en el bloque { $height }
actual-end-scheduled = en el fin programado
history-heading = Historia en la cadena
col-height = Bloque
col-time = Hora
col-event = Suceso
col-signer = Firmante
metadata-versions-heading = Versiones de los metadatos
col-document = Documento
col-integrity = Integridad
col-changes = Cambios para los votantes
metadata-verified = verificado
metadata-mismatch = no coincide
metadata-unrecorded = sin hash registrado
metadata-unreachable = inaccesible
metadata-changed-after-start = cambiado con la votación ya iniciada
def-visibility = Visibilidad de los resultados
visibility-live = en directo (votos sin cifrar)
visibility-secret = secretos hasta el final (votos cifrados)
def-authentication = Autenticación
auth-csp = credenciales CSP (un servicio de credenciales firma el derecho a voto de cada persona)
auth-list = censo de votantes
auth-weighted-list = censo ponderado (cada votante tiene un peso de voto)
auth-token = titulares de tokens
auth-anonymous = anónima (pruebas de conocimiento cero)
auth-other = otra
def-census-origin = Origen del censo
def-census-root = Raíz del censo
def-census-uri = URI del censo
def-zk-keys = Claves del circuito
zk-key-proofs = { $count } pruebas
zk-key-not-vocdoni = no es una clave de Vocdoni: de confianza solo porque --zk-key la nombró
def-encrypted = Cifrada
def-votes = Votos
votes-line = { $listed } emitidos · { $counted } contados · { $skipped } descartados
votes-published = voteCount publicado: { $count }
def-checks = Comprobaciones
yes = sí
no = no
unknown = desconocido

## Participación

participation-heading = Participación
eligible-voters = Personas con derecho a voto
source-census-dump = hojas del volcado del censo
source-saas-size = el tamaño del censo en el SaaS
source-max-census = el tamaño máximo del censo de la votación (un límite superior)
source-none = ninguna fuente lo indica
ballots-cast = Papeletas emitidas
vote-count-note = voteCount del nodo: { $count }
ballots-counted = Papeletas contadas
ballots-skipped = Papeletas descartadas
participation = Participación
participation-note = papeletas emitidas sobre el total de personas con derecho a voto
eligible-power = Peso de voto total del censo
power-source-census-dump = suma de los pesos del volcado del censo
power-source-saas = el peso total del censo en el SaaS
power-used = Peso de voto ejercido
power-used-note = por las papeletas contadas
weighted-participation = Participación ponderada

## Resultados

questions-heading = Preguntas
results-heading = Resultados
by-choice-heading = Resultados por opción
by-choice-multiple = Papeleta de opción múltiple: cada fila de los resultados de arriba es una posición seleccionada; el total de una opción es su columna sumada sobre ellas, de modo que una papeleta cuenta una vez por cada opción que selecciona y los porcentajes suman más del 100 %. Las abstenciones son los valores de abstención de la papeleta.
by-choice-approval = Papeleta de aprobación: cada fila de los resultados de arriba es una opción; sus aprobaciones son la columna «1».
by-choice-budget = Papeleta de presupuesto: cada fila de los resultados de arriba es una opción; su importe es la primera columna.
choice-abstain = Abstención
selection-title = { $question } (selección { $n })
results-differ = Las filas resaltadas difieren entre los resultados publicados y el recuento recalculado.
col-question = Pregunta
col-choice = Opción
col-computed = Recalculado ({ $unit })
unit-votes = votos
unit-power = peso de voto
col-of-counted = % de lo contado
col-of-eligible = % del censo
col-published = Publicado
col-match = Coincide
match-differs = ≠ difiere
not-applicable = n/d
no-results = No se ha calculado ni publicado ningún resultado.
question-fallback = Pregunta { $n }
choice-fallback = Valor { $n }

## Gráficos

charts-heading = Gráficos
charts-note = Barras: resultados recalculados con su porcentaje sobre las papeletas contadas (en bermellón cuando difieren del valor publicado). Línea negra: el valor publicado.
chart-question-title = P{ $n }: { $title }
chart-axis-computed = { $unit } (recalculado)
chart-axis-published = { $unit } (publicado)
chart-legend-computed = recalculado
chart-legend-differs = difiere de lo publicado
chart-legend-published = publicado
chart-bar-published = { $value } (publicado: { $published })
chart-bar-not-published = { $value } (no publicado)
chart-bar-share = { $value } ({ $percent })
chart-participation-title = Participación a lo largo del tiempo (UTC)
chart-participation-title-day = Participación a lo largo del tiempo (UTC, { $day })
chart-axis-votes = votos
chart-alt-question = Gráfico de barras de la pregunta { $n }, { $title }: { $bars }.
chart-alt-participation = Gráfico de barras de los votos emitidos por intervalo de tiempo, { $count } intervalos, del { $from } al { $to } (UTC).
chart-timeline-title = Cronología: votos y lo que registró la cadena (UTC)
chart-axis-votes-so-far = votos acumulados
chart-alt-timeline = Gráfico de líneas de los votos contados a lo largo del tiempo, { $votes } en total, con marcas: { $marks }.
timeline-votes = votos acumulados
timeline-created = creada
timeline-start = apertura de la votación
timeline-status = cambio de estado
timeline-census = cambio de censo
timeline-duration = cambio de duración
timeline-key-added = clave añadida
timeline-scheduled-end = fin previsto
timeline-actual-end = fin real (manual)
timeline-key-revealed = clave revelada

## Comprobaciones e incidencias

check-catalogue-heading = Catálogo de comprobaciones
evidence-checks-heading = Comprobaciones de las pruebas
col-check = Comprobación
col-category = Categoría
col-title = Título
col-status = Estado
col-outcome = Resultado
col-findings = Incidencias
col-location = Ubicación
col-what = Qué ocurre
col-expected = Esperado
col-actual = Encontrado
loc-election = votación
loc-vote = voto
loc-tx = transacción
loc-cell = celda
loc-key-index = índice de clave
status-pass = superada
status-fail = fallida
status-warn = aviso
status-skip = omitida
findings-heading = Incidencias
no-check-failed = Ninguna comprobación ha fallado.
failures-heading = Fallos
warnings-heading = Avisos (no se han podido verificar con exactitud)

## Pruebas

evidence-heading = Pruebas
bundle-files = Archivos del paquete
bundle-none = Paquete de pruebas
bundle-none-value = no consta
report-schema = Esquema del informe
generated-at = Generado el
percent-note = Los porcentajes son exactos con dos decimales, redondeando el último a la mitad hacia arriba. Todas las horas están en UTC.
self-contained-note = Esta página es autónoma y no realiza ninguna petición de red. El informe legible por máquina es report.json, en la misma carpeta.

## Terminal

term-verdict = veredicto: { $verdict } ({ $counts })
term-generated = generado el { $date }
term-bundle = SHA-256 del manifiesto del paquete: { $sha } ({ $files } archivos)
term-evidence-checks = comprobaciones de las pruebas: { $counts }
term-election = Votación { $id }
term-status = estado { $status } · censo { $census } · { $encrypted }
term-encrypted = cifrada
term-not-encrypted = sin cifrar
term-window = apertura { $start } · fin previsto { $end }
term-actual-end = fin real { $time } ({ $how })
term-votes = votos: { $listed } emitidos, { $counted } contados, { $skipped } descartados
term-votes-published = , voteCount publicado: { $count }
term-skipped-reason = { $count } descartados: { $reason }
term-turnout = participación: { $percent } de { $eligible } personas con derecho a voto
term-turnout-count = participación: { $eligible } personas con derecho a voto
term-turnout-unknown = participación: se desconoce el número de personas con derecho a voto
term-power = peso de voto { $used } de { $eligible } ({ $percent })
term-not-final = resultados no definitivos: todavía pueden cambiar
term-no-results = resultados: no se ha calculado ni publicado ninguno
term-col-computed = recalculado
term-col-computed-power = recalculado (peso)
term-col-of-counted = % contado
term-col-published = publicado
term-checks = comprobaciones: { $counts }
term-failing = Incidencias de fallo ({ $count })
term-col-message = mensaje
term-warned = { $count ->
    [one] 1 comprobación no se ha podido verificar con exactitud (aviso); consulte report.html para más detalles.
   *[other] { $count } comprobaciones no se han podido verificar con exactitud (aviso); consulte report.html para más detalles.
}

## PDF

pdf-running-header = Informe de vocaudit — { $id }
pdf-page = Página { $n } de { $total }
pdf-summary-sha = SHA-256 del resumen firmado (summary.json)
pdf-note = El informe legible por máquina es report.json; summary.json y su firma minisign, summary.json.minisig, permiten a cualquiera comprobar que este informe es el firmado.
pdf-rows-omitted = Las { $count } filas restantes están en results.csv y report.html.
demo-verify = Compruebe el resumen firmado con el minisign habitual:

## Fechas (siempre en UTC)

number-abbreviated = { $head }…{ $tail } ({ $digits } cifras)
date-time = { $day } de { $month } de { $year }, { $time } UTC
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

## Títulos de las comprobaciones: uno por entrada del catálogo

check-V-BUNDLE-01 = Integridad del paquete de pruebas
check-V-BUNDLE-02 = Pruebas obtenidas (auditoría)
check-V-BUNDLE-03 = Pruebas obtenidas (votación)
check-V-BUNDLE-04 = Misma pregunta, misma respuesta
check-V-CROSS-01 = Preguntas del SaaS en la cadena
check-V-CROSS-02 = El SaaS coincide con la cadena
check-V-CROSS-03 = Cifras del censo en el SaaS
check-V-PID-01 = Estructura del identificador de la votación
check-V-COUNT-01 = Los números de votos coinciden
check-V-COUNT-02 = Ningún voto duplicado
check-V-COUNT-03 = Cambios de voto dentro del límite
check-V-COUNT-04 = Votantes sin superar el tamaño del censo
check-V-TXHASH-01 = Hashes de las transacciones
check-V-SIG-01 = Firmas de los votos
check-V-NULL-01 = Nulificadores
check-V-CENSUS-01 = El volcado del censo reconstruye la raíz
check-V-CENSUS-02 = Pruebas de Merkle del censo
check-V-CENSUS-03 = Pruebas CSP
check-V-CENSUS-04 = Pruebas CSP vinculadas a la votación
check-V-CENSUS-05 = Derecho a voto comprobado en cada voto
check-V-ZK-01 = Las pruebas Groth16 son válidas
check-V-ZK-02 = Pruebas generadas para esta votación
check-V-ZK-03 = Pruebas referidas a la raíz del censo
check-V-ZK-04 = Pruebas vinculadas al paquete del voto
check-V-ZK-05 = Nulificadores de las pruebas
check-V-ZK-06 = Pesos de las pruebas
check-V-ZK-07 = Raíces SIK
check-V-WEIGHT-01 = Pesos de los votos
check-V-KEYS-01 = Claves reveladas
check-V-KEYS-02 = Claves reveladas para los índices de los votos
check-V-KEYS-03 = El descifrado coincide con el paquete del nodo
check-V-BALLOT-01 = Papeletas descodificadas y validadas
check-V-BALLOT-02 = Valores de las papeletas en el rango seguro
check-V-TALLY-01 = Los resultados coinciden con el recuento recalculado
check-V-TALLY-02 = El escrutinio coincide con el recuento recalculado
check-V-TALLY-03 = Codificación ABI del escrutinio
check-V-WINDOW-01 = Votos dentro del periodo de votación
check-V-HIST-01 = Quién creó y modificó la votación
check-V-HIST-02 = Fin real
check-V-HIST-03 = Historia del censo
check-V-HIST-04 = Integridad de los metadatos
check-V-HIST-05 = Historia de las claves
