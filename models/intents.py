"""Paraphrase data for rapport's intent heads: what the customer asks for, in five languages.

    python models/intents.py        # counts per split x language x intent, checks, samples

Each example is (language, text, targets); targets is a 0/1 list aligned with INTENTS
(multi-label: "this is ridiculous, get me a manager" is person + complaint).

- person: asks for a human (person, agent, supervisor, customer service rep ...);
- voice / sms / email / video / messaging: asks to be contacted on that channel
  (messaging = WhatsApp, Messenger, Telegram and other chat apps);
- connection_trouble: says the line of *this* conversation is failing (cutting out, can't hear,
  call dropped) - not that the customer's product (internet, phone) is broken;
- complaint: complains about the service, product or company with explicit dissatisfaction.

Everything is generated from templates with {slots}. Two separately written families:
- the TRAIN family (templates, slot fillers, noise augmentation) gives "train" and "dev"
  (dev = a random held-out 15% of it, per language);
- the TEST family is written apart, with other sentence frames and other words where possible,
  so "test" measures generalisation to new phrasings. It must never be used for training.
Plus hand-written lines by other writers (phrasings.py): more "train"; "calibration", on
which the intent thresholds are chosen (never trained on); and "check", by yet other writers,
neither trained nor tuned on: how phrasings from a new writer fare.
Every language also has look-alike negatives (names, other senses of call/agent/text/line,
negated requests, reported speech, ordinary assistant requests, dislikes not aimed at the service).
Pure standard library; deterministic for a given seed.
"""

import functools
import random
import re
import unicodedata
from collections import Counter

import phrasings

INTENTS = ("person", "voice", "sms", "email", "video", "messaging", "connection_trouble", "complaint")
# Whether an intent's threshold is also bounded on real satisfied dialogue turns
# (metrics.tune_look_alike_thresholds). A lone cue for a person escalates at once, one for a
# channel switches at once and trouble on the line switches after a second cue, so a false cue on
# an ordinary turn pulls in an agent or moves the customer: bounded. A complaint acts only
# together with a high escalation risk (src/policy/rules.rs): its look-alike bound is enough.
REAL_TURN_BOUNDED = tuple(name != "complaint" for name in INTENTS)
_CODES = {
    "person": "person", "voice": "voice", "sms": "sms", "email": "email", "video": "video",
    "msg": "messaging", "conn": "connection_trouble", "compl": "complaint",
}
_LANGUAGES = ("en", "es", "de", "fr", "pt")
SPLITS = ("train", "dev", "test", "calibration", "check")
DEV_FRACTION = 0.15
NOISE_RATE = 0.2  # share of train-family texts that also get a noisy copy


def languages() -> tuple:
    return _LANGUAGES


# --------------------------------------------------------------------------------------------
# Table parsers. Slot tables: "name: value | value | ..." (indented lines continue the previous
# slot; an empty value is allowed). Template tables: "labels [*cap] [CAPS|LOW] | template" where
# labels are codes of _CODES or "-" for none, *cap overrides the per-template cap and CAPS/LOW
# render the text in capitals / lower case without punctuation.
# --------------------------------------------------------------------------------------------


def _slots(text: str) -> dict:
    slots, name = {}, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.match(r"^(\w+):(.*)$", line)
        if match and not line[0].isspace():
            name = match.group(1)
            slots[name] = match.group(2)
        else:
            slots[name] += line
    return {k: tuple(v.strip() for v in raw.split("|")) for k, raw in slots.items()}


def _templates(text: str) -> tuple:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, template = (part.strip() for part in line.split("|", 1))
        labels, cap, style = [], None, None
        for token in head.split():
            if token.startswith("*"):
                cap = int(token[1:])
            elif token in ("CAPS", "LOW"):
                style = token
            elif token != "-":
                labels.append(_CODES[token])
        rows.append((tuple(labels), template, cap, style))
    return tuple(rows)


# ============================================================================================
# TRAIN FAMILY: templates and fillers for "train" and "dev".
# ============================================================================================

_TRAIN_COMMON = _slots("""
name: Sam | Max | Maria | John | Ana | Lukas | Sophie | Pedro | Ahmed | Priya | Chloé | Jonas | Lucía
    | João | Emma | Carlos | Hannah | Pierre | Mei | Olga
nick: Max | Sam | Jimmy | Lulu | Chico | Bea | Toni | Mimi
app: WhatsApp | Facebook Messenger | Telegram | Messenger | LINE | iMessage | Snapchat | KakaoTalk | Discord
    | Threema | Skype | Microsoft Teams | Slack | X
app_verb: WhatsApp | Telegram
""")

# Frames shared by all languages of the train family (each language fills the slots).
_TRAIN_GENERIC = _templates("""
person          | {hi} {p_core} {end}
person          | {ctx} {p_core}
person compl    | {x_core} {p_core}
person compl    | {p_core} {x_core}
person compl    | {ctx} {x_core} {p_core}
voice           | {hi} {v_core} {end}
voice           | {ctx} {v_core}
sms             | {hi} {s_core} {end}
sms             | {ctx} {s_core}
email           | {hi} {e_core} {end}
email           | {ctx} {e_core}
video           | {hi} {vid_core} {end}
video           | {ctx} {vid_core}
msg             | {hi} {m_core} {end}
msg             | {ctx} {m_core}
conn            | {hi} {c_core} {end}
conn            | {c_core} {c_core}
conn voice      | {c_core} {v_core}
conn person     | {c_core} {p_core}
compl           | {hi} {x_core} {end}
compl           | {ctx} {x_core}
compl           | {x_core} {x_core}
voice compl     | {x_core} {v_core}
email compl     | {x_core} {e_core}
-               | {hi} {neg_core} {end}
-               | {neg_core} {neg_core}
- *150           | {nctx} {neg_q}
""")

_TRAIN_SLOTS = {}
_TRAIN_EXTRA = {}

_TRAIN_SLOTS["en"] = _slots("""
hi: | hi, | hello, | ok, | hey, | excuse me, | sorry,
end: | thanks. | thank you. | please. | cheers. | thanks in advance.
ctx: my order {order} never arrived. | I was charged twice for order {order}. | my internet has been down since {day}.
    | my refund for order {order} still hasn't come through. | my package says delivered but it isn't here.
    | I can't log in to my account. | the router you sent me doesn't turn on. | my bill is higher than last month.
    | I need to change the address on order {order}. | this is about my account ending in {digits}.
day: Monday | yesterday | last week | Friday | the weekend | this morning
human: a person | a human | an agent | a real person | a live agent | a human being | a representative | someone
    | an actual person | a customer service rep | a real human | someone from your team | a support agent
boss: a manager | your supervisor | a supervisor | your manager | someone in charge | the manager on duty
cs: customer service | customer support | the support team | a human agent | the service desk | a real agent
p_core: can I talk to {human}? | I want to talk to {human}. | I need to speak with {human}. | let me talk to {human}.
    | is there {human} I can talk to? | can {human} look at this instead of you? | I'd rather deal with {human}.
    | connect me to {human}, please. | transfer me to {cs}. | put me through to {human}. | get me {boss}.
    | I want to speak to {boss}. | could I speak to someone from your team? | I'd like to speak with {human}.
    | can you get {human} on the line? | I need {human} to help me with this. | please escalate this to {human}.
    | why won't you let me talk to {human}? | I don't want a bot, I want {human}. | just give me {human}.
    | can I get {human}? | {human} please. | I want {human}, not a machine. | let me speak to {boss}.
    | can you pass me to {human}? | can I be transferred to {human}? | why can't I speak to {human}?
v_core: call me. | call me on {phone}. | call me back, please. | can you call me on my phone, please?
    | could you give me a call at {phone}? | I'd like a callback. | can I get a callback? | can you phone me instead?
    | can you ring me on {phone}? | give me a call when you get a chance. | my number is {phone}, please call me.
    | I'd rather talk on the phone, can you call me? | can we do this by phone? call me at {phone}.
    | please call me back {when}. | call me {when} on {phone}. | can you call me back about order {order}?
    | I want a call back on {phone}. | I'd prefer a phone call. | can we talk on the phone instead?
when: tomorrow morning | after 5pm | this afternoon | later today | at lunchtime | on Monday | in an hour
    | as soon as possible | tonight
s_core: text me. | can you text me the details? | send me a text message at {phone}. | please send it by SMS.
    | can I get an SMS confirmation for order {order}? | text me on {phone} when it ships.
    | could you send me a text with the tracking number? | SMS me the code, please.
    | I'd prefer a text message, not a call. | just text me the address. | can you send the link to my phone by text?
    | my number is {phone}, text me the confirmation. | drop me a text {when}. | send a text to {phone} with the receipt.
    | I can't talk right now, can you text me instead? | can you send me an SMS when the technician is on the way?
e_core: email me. | can you email me the invoice? | send it to my email, please. | please email the receipt to {addr}.
    | could you send me an email with the details? | my email is {addr}, send the confirmation there.
    | can I get that in writing by email? | drop me an email {when}.
    | email the refund confirmation for order {order} to {addr}. | I'd rather get this by email.
    | send me an e-mail about it. | forward the quote to my inbox, please. | shoot me an email at {addr}.
    | can you email me a copy of my contract? | please send the details to {addr}.
vid_core: can we do a video call? | video call me, please. | can you FaceTime me?
    | could we switch to video so I can show you the problem? | send me a Zoom link. | can we jump on a video call {when}?
    | I'd like a video appointment. | can I show you on video? it's easier. | let's do a video call {when}.
    | is it possible to have a video consultation about order {order}? | I want to show you the damage on a video call.
    | could you call me on video? | can we video chat instead? | can you set up a video call with me?
m_core: message me on {app}. | can we continue this on {app}? | send it to my {app}. | can you {app_verb} me the details?
    | I'd prefer to chat on {app}. | my {app} number is {phone}, write to me there. | can I reach you on {app} instead?
    | text me on {app}. | ping me on {app} when it's ready. | do you have {app}? let's talk there.
    | send the tracking link to my {app}. | please message me on {app} about order {order}.
    | can you contact me through {app}? | add me on {app}, my number is {phone}.
c_core: you keep cutting out. | I can barely hear you. | I think we got disconnected. | the call dropped.
    | you're breaking up. | hello? are you still there? I can't hear anything. | the line is really bad.
    | there's a lot of static on the line. | your voice is really choppy. | sorry, you cut out, can you repeat that?
    | I lost you for a second there. | there's an echo on the line, I can hear myself. | the connection keeps dropping.
    | can you hear me? you went quiet. | the audio is cutting in and out. | I can't hear you very well, the connection is bad.
    | we got cut off, the call just died. | hello? hello? I think the line went dead.
    | you sound like a robot, the line is breaking up. | your voice keeps freezing. | I only caught half of that, you're cutting out.
x_core: this is unacceptable. | this is ridiculous. | your service is terrible. | this is absolutely useless.
    | worst customer service ever. | I'm sick of this. | this is a joke. | I'm extremely disappointed with your company.
    | you people are hopeless. | I want to file a complaint. | I want to make a formal complaint.
    | I've been waiting for three weeks and nobody has fixed it. | I've been on hold for {mins} minutes, this is ridiculous.
    | how many times do I have to explain this? | you charged me twice again, this is a joke.
    | I'm never ordering from you again. | I'm going to cancel and tell everyone how bad your company is.
    | your company keeps messing up my orders. | nobody ever answers my emails, it's pathetic.
    | this is the worst experience I've had with any company. | I'm really unhappy with {compl_topic}.
    | {compl_topic} is a disaster. | I've had enough of your excuses. | you promised a refund {weeks} ago and still nothing.
mins: 30 | 40 | 45 | 55 | 75 | 90
weeks: two weeks | three weeks | a month | ten days
compl_topic: your customer service | the delivery | your billing department | the product I bought | your company
    | the way I've been treated | your app | the installation
neg_core: call me {name}. | my friends call me {nick}. | you can call me {nick}. | everyone at work calls me {nick}.
    | my name is {name}, but everyone calls me {nick}. | I'm a travel agent booking for a client.
    | I'm {job} and I'm booking this for a client. | this is a real person's account, not a company.
    | the text on the website is wrong. | my {device} screen is cracked, is that covered? | I watched the video tutorial, it helped.
    | the email you sent had the wrong date. | the line at the store was long. | human error on my part, I typed the wrong address.
    | what time does the call center open? | can you check my order status? | can you check the status of order {order}?
    | I don't want to talk to {human}, just tell me the balance. | no need to call me. | don't text me.
    | I don't need an agent, you're doing fine. | {rel} said she'd call me later. | the {staff} I spoke to {past} was {nice}.
    | book a table for {n} at {time}. | what's the weather in {city}? | find me a flight to {city} on {date}.
    | play some {genre}. | thanks, that's all. | great, bye. | I really don't like {dislike}. | I'm sad my dog is sick.
    | I don't want to talk to a human. | I said I DON'T want a callback. | please don't call me.
    | no need to email me the receipt, I have it. | please text the tracking link? no need, I have it.
    | no video call needed, the photo is enough. | you don't need to message me on {app}, this chat is fine.
    | how do I change the email address on my account? | how do I update my phone number?
    | what's the phone number of your store in {city}? | remind me to call {rel} at {time}. | remind me to text {rel} tomorrow.
    | I need to email my landlord about the rent. | call {rel} on speaker. | set an alarm for {time}. | tell me a joke.
    | how do I reset my password? | I'd like to change my delivery address to {n} {street}. | is the {device} available in blue?
    | thanks {name}, that's really helpful. | perfect, that's all I needed. | ok thank you, have a nice day.
    | I hate {dislike}. | I'm upset because {sad}. | my boss is driving me crazy this week.
    | the weather in {city} is awful today. | traffic was terrible this morning. | I lost my phone, can you block my SIM?
    | I dropped my phone and now the {part} doesn't work. | human resources asked me for a copy of the invoice.
    | is this plan for one person or a family? | can I add another person to my account?
    | can I add {rel} as an authorised person on my account? | who is the person named on the invoice for order {order}?
    | I'm the account holder, not an agent. | the call quality on my new phone is great. | I can hear you perfectly now, thanks.
    | sorry, I can hear my dog barking. | the video you sent me was really helpful. | I'll call you back later if I need anything.
    | I'll text my husband to check the code. | I'll email you the photos. | I'm writing a complaint letter to my landlord.
    | my neighbour complained about the noise. | the film was terrible but the popcorn was good.
    | how much is shipping to {city}? | do you deliver to {city}? | can I pay by card?
    | what's the difference between the basic and premium plan? | {rel} is a real estate agent.
    | the person who delivered my parcel was very polite. | please don't send me any more marketing emails.
    | I don't want a video call, just tell me what to do. | I already got the text with the code, thanks.
    | the email arrived, all good. | no callback needed, you solved it.
    | I never asked for a manager, I just want the tracking number. | my dad was a phone engineer.
    | I'm calling about my phone bill. | I love the new app, it's great. | my wife said she'd call me later.
job: a travel agent | a real estate agent | an insurance agent | a booking agent | a freight agent
device: phone | laptop | tablet | smartwatch
rel: my wife | my mum | my sister | my friend {name} | my daughter | my colleague {name}
staff: agent | rep | person | guy | lady | advisor
past: yesterday | last week | on Monday | this morning
nice: great | really helpful | lovely | very patient
n: two | three | four | 2 | 6
time: 7pm | 8:30 | 6am | noon | 7.15
city: Paris | Denver | London | Madrid | Berlin | Toronto | Dublin | Boston
date: March 4th | May 12th | June 1st | October 20th | the 15th
genre: jazz | rock | classical music | lo-fi beats | country
dislike: horror films | Mondays | rainy days | spicy food | musicals | getting up early
sad: my dog is sick | my grandma is in hospital | I failed my exam | it's raining on my birthday | my team lost last night
part: speaker | microphone | camera | charging port
street: Oak Street | High Street | Elm Road | Park Lane
nctx: I have a question about order {order}. | I want to add a second user to my plan. | I'm moving house next month.
    | I'd like to upgrade my plan. | I need to change the address on order {order}. | I want to pay my bill early.
neg_q: can you help me with that? | what do I need to do? | how long will it take? | is that possible online?
    | what are the steps?
""")

# Exact phrasings from the brief and a few English-only frames.
_TRAIN_EXTRA["en"] = _templates("""
person *1          | agent please
person *1          | human
person *1          | representative
person *1          | talk to agent
person *1          | speak to a human
person *1          | live agent
person *1          | operator! operator!
person *1          | real person please
person *1          | get me a human
person *1          | get me your supervisor
person *1          | transfer me to customer service
person *1          | I'd rather deal with a human being
person *1          | can a person look at this instead of you?
person *1          | is there a real person I can talk to?
person *1          | could I speak to someone from your team?
person *1          | why won't you let me talk to a human?
person *1          | I want to talk to a human
person *1          | HUMAN
person compl *1    | this is ridiculous, get me a manager
voice *1           | call me on my phone please
person *10         | hi, this is {name}, can you put me through to {human}?
person *10         | I'd like to speak with {human} about order {order}.
person *10         | {name} here. I've explained this three times, just give me {human}.
person voice *15   | can {human} call me on {phone}?
person voice *8   | I want {human} to call me back.
person voice *1    | can I talk to someone on the phone?
person compl *8    | this bot is useless, I need {human}.
person compl *6    | I want to file a complaint with {boss}.
voice compl *10    | {x_core} call me back {when}.
sms compl *10      | {x_core} just text me when it's fixed.
email compl *10    | {x_core} email me a written response at {addr}.
conn compl *1      | this is the third time the call dropped, this is unacceptable.
conn compl *1      | the call dropped AGAIN, your service is useless.
voice conn *10     | you're breaking up, can you call me back on {phone}?
voice conn *1      | the call dropped, please call me back.
conn *10           | {name} here again, the call dropped while I was giving you order number {order}.
conn *1            | you keep cutting out
conn *1            | I can barely hear you
conn *1            | I think we got disconnected
conn *1            | the call dropped
sms *1             | text me
sms *1             | SMS please
email *1           | email me
email *1           | email please
video *1           | video call please
msg *1             | whatsapp me
compl *1           | this is unacceptable
compl *1           | I want to file a complaint
compl *1           | your service is terrible
- *1               | call me Ishmael
- *1               | my friends call me Max
- *1               | you can call me Sam
- *1               | I'm a travel agent booking for a client
- *1               | this is a real person's account, not a company
- *1               | the text on the website is wrong
- *1               | my phone screen is cracked, is that covered?
- *1               | I watched the video tutorial
- *1               | the email you sent had the wrong date
- *1               | the line at the store was long
- *1               | human error on my part
- *1               | please text the tracking link? no need, I have it
- *1               | what time does the call center open
- *1               | can you check my order status
- *1               | I don't want to talk to a person, just tell me the balance
- *1               | no need to call me
- *1               | don't text me
- *1               | I don't need an agent, you're doing fine
- *1               | my wife said she'd call me later
- *1               | the agent I spoke to yesterday was great
- *1               | book a table for two at 7pm
- *1               | what's the weather in Paris
- *1               | find me a flight to Denver on March 4th
- *1               | play some jazz
- *1               | thanks, that's all
- *1               | great, bye
- *1               | I really don't like horror films
- *1               | I'm sad my dog is sick
- *1               | I don't want to talk to a human
- *1               | I said I DON'T want a callback
""")

_TRAIN_SLOTS["es"] = _slots("""
hi: | hola, | buenas, | oiga, | perdone, | a ver,
end: | gracias. | por favor. | muchas gracias. | gracias de antemano.
ctx: mi pedido {order} nunca llegó. | me cobraron dos veces el pedido {order}. | no tengo internet desde el {day}.
    | el reembolso del pedido {order} todavía no ha llegado. | el paquete aparece como entregado pero no está aquí.
    | no puedo entrar en mi cuenta. | el router que me enviaron no enciende. | mi factura es más alta que el mes pasado.
day: lunes | viernes | martes | fin de semana
human: una persona | un agente | un humano | una persona real | un asesor | un operador | alguien de atención al cliente
    | un representante | un ser humano | alguien de verdad
boss: un supervisor | tu supervisor | el encargado | un gerente | el responsable
p_core: quiero hablar con {human}. | pásame con {human}. | ¿me puedes pasar con {human}? | ¿puedo hablar con {human}?
    | necesito hablar con {human}, por favor. | comunícame con {human}. | quiero que me atienda {human}.
    | ¿hay {human} con quien pueda hablar? | ¿por qué no me dejas hablar con {human}? | transfiéreme con {human}.
    | quiero hablar con {boss}. | prefiero tratar con {human}. | no quiero un bot, quiero hablar con {human}.
    | ¿me comunicas con {human}, por favor? | páseme con {human}, por favor. | quiero que me atienda {human}, no una máquina.
    | déjame hablar con {human}. | necesito que {human} revise esto. | ponme con {boss}. | quiero hablar con {human} ya.
v_core: llámame. | llámame al {phone}. | ¿me puedes llamar, por favor? | prefiero que me llamen por teléfono.
    | ¿pueden devolverme la llamada? | llámeme cuando pueda al {phone}. | quiero que me llamen {when}. | ¿me llamas {when}?
    | mi número es {phone}, llámame por favor. | prefiero hablarlo por teléfono, ¿me llamas?
    | ¿me pueden llamar por lo del pedido {order}?
when: mañana por la mañana | esta tarde | después de las cinco | lo antes posible | en una hora | el lunes
s_core: mándame un SMS. | envíame un mensaje de texto al {phone}. | ¿me lo pueden mandar por SMS?
    | prefiero un SMS, no una llamada. | mándame el código por SMS, por favor. | ¿me envías el enlace por mensaje de texto?
    | mi número es {phone}, mándame la confirmación por SMS. | avísame por SMS cuando salga el pedido {order}.
e_core: mándamelo por correo. | envíame un correo a {addr}. | ¿me lo pueden enviar por email? | escríbeme al correo {addr}.
    | prefiero que me lo manden por correo electrónico. | ¿me mandas la factura por email?
    | envíen la confirmación del pedido {order} a {addr}. | mándame los detalles por correo, por favor.
vid_core: ¿podemos hacer una videollamada? | ¿me haces una videollamada? | prefiero una videollamada para enseñarte el problema.
    | mándame un enlace de Zoom. | ¿podemos hablar por videollamada {when}?
m_core: escríbeme por {app}. | ¿podemos seguir por {app}? | mándamelo al {app}. | prefiero hablar por {app}.
    | mi {app} es el {phone}, escríbeme ahí. | ¿me contactas por {app}?
c_core: se corta la llamada. | no te escucho bien. | casi no te oigo. | creo que se cortó. | se oye entrecortado.
    | la línea está fatal. | ¿sigues ahí? no te oigo. | se cayó la llamada. | hay mucho ruido en la línea.
    | se te corta la voz. | perdona, se cortó, ¿puedes repetir? | hay eco, me escucho a mí mismo.
x_core: esto es inaceptable. | quiero poner una queja. | su servicio es pésimo. | es una vergüenza. | estoy harto de su empresa.
    | llevo tres semanas esperando y nadie me soluciona nada. | qué servicio tan malo.
    | es la peor atención al cliente que he tenido. | esto es una tomadura de pelo. | quiero presentar una reclamación.
    | llevo {mins} minutos esperando, esto es ridículo. | me han vuelto a cobrar de más, es increíble.
mins: 40 | 45 | 50 | 90
neg_core: me llamo {name}. | mis amigos me llaman {nick}. | puedes llamarme {nick}. | en el trabajo todos me llaman {nick}.
    | soy agente de viajes y reservo para un cliente. | fue un error humano, culpa mía.
    | la pantalla de mi teléfono está rota, ¿lo cubre la garantía? | el texto de la página web está mal.
    | el correo que me enviaron tenía la fecha equivocada. | vi el video tutorial y me ayudó. | la fila en la tienda era larga.
    | no quiero hablar con una persona, solo dime el saldo. | no hace falta que me llames. | no me mandes mensajes.
    | no necesito un agente, lo estás haciendo bien. | mi mujer dijo que me llamaría más tarde.
    | el agente con el que hablé ayer fue genial. | reserva una mesa para dos a las {time}. | ¿qué tiempo hace en {city}?
    | busca un vuelo a {city} para el {date}. | pon algo de {genre}. | gracias, eso es todo. | perfecto, adiós.
    | no me gustan nada las películas de terror. | estoy triste porque mi perro está enfermo.
    | ¿a qué hora abre el centro de llamadas? | ¿puedes revisar el estado de mi pedido {order}?
    | no quiero hablar con un humano. | te dije que NO quiero que me llamen. | ¿cómo cambio el correo de mi cuenta?
    | ¿cómo actualizo mi número de teléfono? | recuérdame llamar a mi madre a las {time}. | pon una alarma a las {time}.
    | cuéntame un chiste. | ¿cómo restablezco mi contraseña? | odio los lunes. | el tráfico esta mañana fue horrible.
    | perdí el móvil, ¿pueden bloquear la SIM? | ¿puedo añadir otra persona a mi cuenta? | te oigo perfectamente ahora, gracias.
    | el video que me mandaste fue muy útil. | te llamo más tarde si necesito algo. | estoy escribiendo una queja a mi casero.
    | ¿hacen envíos a {city}? | ¿puedo pagar con tarjeta? | gracias {name}, muy amable.
    | la persona que me entregó el paquete fue muy amable. | ya me llegó el SMS con el código, gracias.
    | no hace falta una videollamada, con la foto basta. | no necesito que me escribas por {app}, aquí está bien.
    | mi hermano es agente inmobiliario. | no quiero que me llamen, gracias.
time: 7 | 8 y media | 9 | 21:00
city: París | Denver | Madrid | Sevilla | Bogotá | Lima
date: 4 de marzo | 12 de mayo | 1 de junio | 20 de octubre
genre: jazz | rock | salsa | música clásica
nctx: tengo una pregunta sobre el pedido {order}. | quiero cambiar la dirección del pedido {order}. | me mudo el mes que viene.
    | quiero mejorar mi tarifa.
neg_q: ¿me puedes ayudar? | ¿qué tengo que hacer? | ¿cuánto tarda? | ¿se puede hacer online?
""")

_TRAIN_SLOTS["de"] = _slots("""
hi: | hallo, | guten Tag, | entschuldigung, | also, | moin,
end: | danke. | bitte. | vielen Dank. | danke im Voraus.
ctx: meine Bestellung {order} ist nie angekommen. | Sie haben mir die Bestellung {order} doppelt berechnet.
    | ich habe seit {day} kein Internet. | die Erstattung für Bestellung {order} ist immer noch nicht da.
    | das Paket wird als zugestellt angezeigt, ist aber nicht hier. | ich komme nicht in mein Konto.
    | der Router, den Sie geschickt haben, geht nicht an. | meine Rechnung ist höher als letzten Monat.
day: Montag | Freitag | gestern | letzter Woche
human: einem Mitarbeiter | einem Menschen | einer echten Person | einem Berater | einem Kundenberater
    | jemandem vom Kundenservice | einem echten Menschen | einer Person | einem Servicemitarbeiter
human_acc: einen Mitarbeiter | einen Menschen | eine echte Person | einen Berater | einen echten Menschen
    | jemanden vom Kundenservice
boss_acc: Ihren Vorgesetzten | einen Vorgesetzten | den Teamleiter | den zuständigen Manager
boss_dat: Ihrem Vorgesetzten | dem Teamleiter | einem Vorgesetzten
p_core: ich möchte mit {human} sprechen. | verbinden Sie mich mit {human}. | kann ich bitte mit {human} sprechen?
    | stellen Sie mich zu {human} durch. | ich will mit {human} reden. | ich brauche {human_acc}.
    | warum darf ich nicht mit {human} sprechen? | ich will {boss_acc} sprechen. | holen Sie mir {boss_acc}.
    | kann ich mit {human} statt mit einem Bot sprechen? | bitte leiten Sie mich an {human_acc} weiter.
    | ich hätte gern {human_acc}, keinen Bot. | lassen Sie mich mit {human} sprechen.
    | ich will keinen Bot, ich will mit {human} sprechen. | können Sie mich mit {boss_dat} verbinden?
    | ich möchte das lieber mit {human} klären. | verbinde mich mit {human}. | kann ich mit {human} sprechen, bitte?
v_core: rufen Sie mich bitte an. | können Sie mich unter {phone} zurückrufen? | ich hätte gern einen Rückruf. | ruf mich an.
    | bitte rufen Sie mich auf dem Handy an. | rufen Sie mich {when} an. | meine Nummer ist {phone}, bitte rufen Sie mich an.
    | können wir das telefonisch klären? rufen Sie mich an. | ich möchte lieber telefonieren, können Sie mich anrufen?
    | können Sie mich wegen Bestellung {order} zurückrufen?
when: morgen früh | heute Nachmittag | nach 17 Uhr | so bald wie möglich | in einer Stunde | am Montag
s_core: schicken Sie mir bitte eine SMS. | können Sie mir das per SMS schicken? | schreib mir eine SMS an {phone}.
    | schicken Sie mir den Code per SMS. | ich hätte die Bestätigung gern per SMS. | senden Sie mir den Link per SMS an {phone}.
    | bitte benachrichtigen Sie mich per SMS, wenn Bestellung {order} verschickt wird. | lieber eine SMS als ein Anruf.
e_core: schicken Sie mir das bitte per E-Mail. | bitte per Mail an {addr}. | können Sie mir eine E-Mail schreiben?
    | senden Sie die Rechnung an {addr}. | ich hätte das gern schriftlich per E-Mail. | schicken Sie mir die Details per Mail.
    | mailen Sie mir die Bestätigung für Bestellung {order}. | meine E-Mail-Adresse ist {addr}, schicken Sie es dorthin.
vid_core: können wir einen Videoanruf machen? | ich würde Ihnen das Problem gern per Video zeigen. | schicken Sie mir einen Zoom-Link.
    | können wir {when} per Videocall sprechen? | lieber ein Videogespräch, bitte.
m_core: schreiben Sie mir auf {app}. | können wir auf {app} weitermachen? | schicken Sie es mir per {app}.
    | ich schreibe lieber über {app}. | meine {app}-Nummer ist {phone}, melden Sie sich dort. | erreichen Sie mich auch über {app}?
c_core: Sie sind ganz abgehackt. | ich kann Sie kaum hören. | ich glaube, die Verbindung ist abgebrochen.
    | die Leitung ist sehr schlecht. | hallo? sind Sie noch da? ich höre nichts. | das Gespräch ist gerade abgebrochen.
    | Sie brechen ständig ab. | es rauscht total in der Leitung. | ich verstehe Sie nur bruchstückhaft.
    | Ihre Stimme stockt dauernd. | ich höre ein Echo, die Verbindung ist schlecht.
x_core: das ist inakzeptabel. | ich möchte mich beschweren. | ich will eine Beschwerde einreichen.
    | Ihr Service ist eine Katastrophe. | das ist eine Frechheit. | ich warte seit drei Wochen und niemand kümmert sich.
    | so einen schlechten Kundenservice habe ich noch nie erlebt. | ich bin maßlos enttäuscht von Ihrer Firma.
    | ich hänge seit {mins} Minuten in der Warteschleife, das ist lächerlich.
    | Sie haben mir schon wieder zu viel berechnet, unglaublich. | das ist doch ein Witz.
mins: 40 | 45 | 50 | 90
neg_core: ich heiße {name}. | meine Freunde nennen mich {nick}. | Sie können mich {nick} nennen.
    | ich bin Versicherungsvertreter und frage für einen Kunden. | ich arbeite im Reisebüro und buche für einen Kunden.
    | das war menschliches Versagen, mein Fehler. | das Display meines Handys ist gesprungen, ist das abgedeckt?
    | der Text auf der Webseite ist falsch. | die E-Mail, die Sie geschickt haben, hatte das falsche Datum.
    | ich habe das Video-Tutorial angeschaut, hat geholfen. | die Schlange im Laden war lang.
    | ich will nicht mit einem Menschen sprechen, sagen Sie mir einfach den Kontostand. | Sie brauchen mich nicht anzurufen.
    | bitte keine SMS. | ich brauche keinen Mitarbeiter, Sie machen das gut. | meine Frau hat gesagt, sie ruft mich später an.
    | der Mitarbeiter, mit dem ich gestern gesprochen habe, war super. | reservier einen Tisch für zwei um {time}.
    | wie ist das Wetter in {city}? | such mir einen Flug nach {city} am {date}. | spiel etwas {genre}.
    | danke, das war's. | super, tschüss. | Horrorfilme mag ich überhaupt nicht. | ich bin traurig, weil mein Hund krank ist.
    | wann öffnet das Callcenter? | können Sie den Status meiner Bestellung {order} prüfen?
    | ich will nicht mit einem Menschen reden. | ich sagte, ich will KEINEN Rückruf.
    | wie ändere ich die E-Mail-Adresse in meinem Konto? | wie aktualisiere ich meine Telefonnummer?
    | erinnere mich daran, meine Mutter um {time} anzurufen. | stell einen Wecker auf {time}. | erzähl mir einen Witz.
    | wie setze ich mein Passwort zurück? | ich hasse Montage. | der Verkehr heute Morgen war schrecklich.
    | ich habe mein Handy verloren, können Sie die SIM sperren? | kann ich eine weitere Person zu meinem Konto hinzufügen?
    | jetzt höre ich Sie perfekt, danke. | das Video, das Sie geschickt haben, war sehr hilfreich.
    | ich rufe später zurück, falls ich noch etwas brauche. | ich schreibe gerade eine Beschwerde an meinen Vermieter.
    | liefern Sie auch nach {city}? | kann ich mit Karte zahlen? | danke {name}, sehr nett. | der Bote war sehr freundlich.
    | die SMS mit dem Code ist schon angekommen, danke. | kein Videoanruf nötig, das Foto reicht.
    | Sie müssen mir nicht auf {app} schreiben, hier passt es. | bitte rufen Sie mich nicht an.
time: 19 Uhr | 20 Uhr | 7 Uhr | halb acht
city: Paris | Denver | München | Hamburg | Wien | Zürich
date: 4. März | 12. Mai | 1. Juni | 20. Oktober
genre: Jazz | Rock | klassische Musik | Schlager
nctx: ich habe eine Frage zur Bestellung {order}. | ich möchte die Lieferadresse für Bestellung {order} ändern.
    | ich ziehe nächsten Monat um. | ich möchte meinen Tarif upgraden.
neg_q: können Sie mir helfen? | was muss ich tun? | wie lange dauert das? | geht das auch online?
""")

_TRAIN_SLOTS["fr"] = _slots("""
hi: | bonjour, | allô, | excusez-moi, | bon, | salut,
end: | merci. | s'il vous plaît. | merci d'avance. | merci beaucoup.
ctx: ma commande {order} n'est jamais arrivée. | vous m'avez facturé deux fois la commande {order}.
    | je n'ai plus internet depuis {day}. | le remboursement de la commande {order} n'est toujours pas arrivé.
    | le colis est indiqué comme livré mais je ne l'ai pas reçu. | je n'arrive pas à me connecter à mon compte.
    | la box que vous m'avez envoyée ne s'allume pas. | ma facture est plus élevée que le mois dernier.
day: lundi | vendredi | hier | la semaine dernière
human: un conseiller | une vraie personne | un humain | un agent | quelqu'un du service client | une personne
    | un être humain | un opérateur | un conseiller humain | une personne réelle
boss: votre responsable | un superviseur | votre supérieur | un responsable | la direction
p_core: je veux parler à {human}. | passez-moi {human}. | est-ce que je peux parler à {human} ?
    | mettez-moi en relation avec {human}. | transférez-moi vers {human}. | j'aimerais parler à {human}, s'il vous plaît.
    | il y a {human} à qui je peux parler ? | pourquoi vous ne me laissez pas parler à {human} ? | je veux parler à {boss}.
    | je préfère avoir affaire à {human}. | je ne veux pas de robot, je veux {human}. | vous pouvez me passer {human} ?
    | je voudrais être mis en relation avec {human}. | laissez-moi parler à {human}. | j'ai besoin de parler à {human}.
    | passez-moi {boss}, s'il vous plaît. | je veux {human}, pas une machine.
v_core: rappelez-moi au {phone}. | vous pouvez m'appeler ? | je préfère qu'on m'appelle. | appelez-moi, s'il vous plaît.
    | j'aimerais être rappelé. | rappelez-moi {when}. | mon numéro est le {phone}, appelez-moi.
    | on peut en parler au téléphone ? appelez-moi. | pouvez-vous me rappeler pour la commande {order} ?
    | je voudrais un rappel téléphonique.
when: demain matin | cet après-midi | après 17 h | dès que possible | dans une heure | lundi
s_core: envoyez-moi un SMS. | vous pouvez m'envoyer ça par texto ? | envoyez-le par SMS au {phone}.
    | je préfère un SMS plutôt qu'un appel. | envoyez-moi le code par SMS, s'il vous plaît.
    | prévenez-moi par SMS quand la commande {order} part. | vous pouvez m'envoyer le lien par SMS ?
    | mon numéro est le {phone}, envoyez-moi la confirmation par texto.
e_core: envoyez-moi ça par mail. | vous pouvez me l'envoyer par e-mail à {addr} ? | écrivez-moi un courriel.
    | envoyez la facture à {addr}. | je préfère recevoir ça par e-mail. | envoyez-moi les détails par mail, s'il vous plaît.
    | vous pouvez m'envoyer la confirmation de la commande {order} par e-mail ? | mon adresse mail est {addr}, envoyez-la là.
vid_core: on peut faire un appel vidéo ? | je préfère un appel vidéo pour vous montrer le problème. | envoyez-moi un lien Zoom.
    | on peut faire une visio {when} ? | vous pouvez m'appeler en vidéo ?
m_core: écrivez-moi sur {app}. | on peut continuer sur {app} ? | envoyez-le-moi sur {app}. | je préfère discuter sur {app}.
    | mon {app}, c'est le {phone}, écrivez-moi là-bas. | vous pouvez me contacter par {app} ?
c_core: vous coupez. | je vous entends très mal. | je crois qu'on a été coupés. | la ligne est mauvaise. | ça grésille.
    | allô ? vous êtes toujours là ? je n'entends plus rien. | l'appel a coupé. | votre voix est hachée.
    | ça coupe tout le temps. | désolé, ça a coupé, vous pouvez répéter ? | il y a de l'écho, je m'entends parler.
x_core: c'est inadmissible. | je veux faire une réclamation. | votre service est nul. | c'est scandaleux.
    | j'en ai marre de votre entreprise. | ça fait trois semaines que j'attends et personne ne règle rien.
    | c'est le pire service client que j'aie jamais vu. | je suis très déçu de votre société.
    | ça fait {mins} minutes que j'attends, c'est ridicule. | vous m'avez encore facturé en trop, c'est incroyable.
    | c'est une honte. | je veux déposer une plainte.
mins: 40 | 45 | 50 | 90
neg_core: appelez-moi {nick}. | je m'appelle {name}. | mes amis m'appellent {nick}. | vous pouvez m'appeler {nick}.
    | je suis agent immobilier et je cherche pour un client. | c'est une erreur humaine de ma part.
    | l'écran de mon téléphone est cassé, c'est couvert ? | le texte sur le site est faux.
    | le mail que vous m'avez envoyé avait la mauvaise date. | j'ai regardé le tutoriel vidéo, ça m'a aidé.
    | la file d'attente au magasin était longue. | je ne veux pas parler à un humain, donnez-moi juste mon solde.
    | pas besoin de m'appeler. | ne m'envoyez pas de SMS. | je n'ai pas besoin d'un conseiller, vous vous débrouillez très bien.
    | ma femme a dit qu'elle m'appellerait plus tard. | le conseiller à qui j'ai parlé hier était super.
    | réserve une table pour deux à {time}. | quel temps fait-il à {city} ? | trouve-moi un vol pour {city} le {date}.
    | mets du {genre}. | merci, c'est tout. | parfait, au revoir. | je n'aime vraiment pas les films d'horreur.
    | je suis triste, mon chien est malade. | à quelle heure ouvre le centre d'appels ?
    | vous pouvez vérifier l'état de ma commande {order} ? | je ne veux pas parler à un humain.
    | j'ai dit que je ne voulais PAS être rappelé. | comment changer l'adresse mail de mon compte ?
    | comment mettre à jour mon numéro de téléphone ? | rappelle-moi d'appeler ma mère à {time}. | mets un réveil à {time}.
    | raconte-moi une blague. | comment réinitialiser mon mot de passe ? | je déteste les lundis.
    | il y avait des bouchons horribles ce matin. | j'ai perdu mon téléphone, vous pouvez bloquer la carte SIM ?
    | je peux ajouter une autre personne à mon compte ? | je vous entends parfaitement maintenant, merci.
    | la vidéo que vous m'avez envoyée était très utile. | je vous rappellerai plus tard si besoin.
    | j'écris une lettre de réclamation à mon propriétaire. | vous livrez à {city} ? | je peux payer par carte ?
    | merci {name}, c'est gentil. | le livreur était très aimable. | j'ai déjà reçu le SMS avec le code, merci.
    | pas besoin d'appel vidéo, la photo suffit. | inutile de m'écrire sur {app}, ici c'est très bien.
    | ne m'appelez pas, s'il vous plaît.
time: 19 h | 20 h | 7 h | 8 h 30
city: Paris | Denver | Lyon | Marseille | Bruxelles | Montréal
date: 4 mars | 12 mai | 1er juin | 20 octobre
genre: jazz | rock | reggae | rap
nctx: j'ai une question sur la commande {order}. | je voudrais changer l'adresse de livraison de la commande {order}.
    | je déménage le mois prochain. | je voudrais changer de forfait.
neg_q: vous pouvez m'aider ? | qu'est-ce que je dois faire ? | ça prend combien de temps ? | c'est possible en ligne ?
""")

_TRAIN_SLOTS["pt"] = _slots("""
hi: | oi, | olá, | bom dia, | então, | com licença,
end: | obrigado. | por favor. | valeu. | obrigada.
ctx: meu pedido {order} nunca chegou. | vocês me cobraram duas vezes pelo pedido {order}. | estou sem internet desde {day}.
    | o reembolso do pedido {order} ainda não caiu. | o pacote aparece como entregue, mas não chegou.
    | não consigo entrar na minha conta. | o roteador que vocês mandaram não liga. | minha fatura veio mais alta que no mês passado.
day: segunda | sexta | ontem | a semana passada
human: um atendente | uma pessoa | um humano | uma pessoa de verdade | um agente | alguém do atendimento | um ser humano
    | um operador | um atendente humano | um consultor
boss: o supervisor | um gerente | o seu supervisor | o responsável | o gerente
p_core: quero falar com {human}. | me transfere para {human}. | me passa para {human}. | posso falar com {human}?
    | preciso falar com {human}, por favor. | tem {human} com quem eu possa falar? | por que você não me deixa falar com {human}?
    | quero falar com {boss}. | prefiro tratar com {human}. | não quero robô, quero falar com {human}.
    | me coloca em contato com {human}. | dá pra me passar para {human}? | quero ser atendido por {human}.
    | chama {boss} pra mim. | deixa eu falar com {human}. | quero {human}, não uma máquina. | pode me transferir para {human}?
v_core: me liga no {phone}. | pode me ligar, por favor? | prefiro que me liguem. | quero que retornem a ligação. | me liga de volta.
    | me liga {when}. | meu número é {phone}, me liga por favor. | prefiro resolver por telefone, pode me ligar?
    | vocês podem me ligar sobre o pedido {order}? | quero receber uma ligação.
when: amanhã de manhã | hoje à tarde | depois das cinco | o quanto antes | daqui a uma hora | na segunda
s_core: me manda um SMS. | pode mandar por mensagem de texto? | manda o código por SMS, por favor. | prefiro SMS, não ligação.
    | me avisa por SMS quando o pedido {order} sair. | manda o link por SMS para o {phone}.
    | meu número é {phone}, me manda a confirmação por SMS.
e_core: manda isso pro meu e-mail. | pode me enviar por e-mail para {addr}? | me manda um e-mail com os detalhes.
    | envia a nota fiscal para {addr}. | prefiro receber por e-mail. | pode mandar a confirmação do pedido {order} por e-mail?
    | meu e-mail é {addr}, manda lá.
vid_core: podemos fazer uma chamada de vídeo? | prefiro uma videochamada pra te mostrar o problema. | me manda um link do Zoom.
    | dá pra fazer uma videochamada {when}? | pode me ligar por vídeo?
m_core: me chama no {app}. | podemos continuar pelo {app}? | me manda pelo {app}. | prefiro conversar pelo {app}.
    | meu {app} é {phone}, me chama lá. | pode falar comigo pelo {app}? | me manda mensagem no {app}.
app: WhatsApp | Telegram | Messenger | zap | LINE | iMessage | Discord | Threema | Skype
c_core: tá cortando. | não estou te ouvindo direito. | acho que a ligação caiu. | a ligação está péssima.
    | alô? você ainda está aí? não ouço nada. | sua voz está picotando. | tá com muito chiado. | a ligação caiu.
    | não dá pra ouvir, tá falhando. | tem eco, estou me ouvindo. | desculpa, cortou, pode repetir?
x_core: isso é inaceitável. | quero fazer uma reclamação. | o atendimento de vocês é péssimo. | que absurdo.
    | estou cansado dessa empresa. | faz três semanas que espero e ninguém resolve nada. | é o pior atendimento que já vi.
    | estou muito decepcionado com vocês. | estou há {mins} minutos esperando, isso é ridículo.
    | vocês me cobraram a mais de novo, é um absurdo. | que vergonha. | vou reclamar no Procon.
mins: 40 | 45 | 50 | 90
neg_core: meu nome é {name}. | meus amigos me chamam de {nick}. | pode me chamar de {nick}.
    | sou agente de viagens e estou reservando para um cliente. | foi erro humano, culpa minha.
    | a tela do meu celular quebrou, a garantia cobre? | o texto no site está errado.
    | o e-mail que vocês mandaram estava com a data errada. | assisti ao vídeo tutorial e ajudou. | a fila na loja estava enorme.
    | não quero falar com uma pessoa, só me diz o saldo. | não precisa me ligar. | não me manda SMS.
    | não preciso de um atendente, você está indo bem. | minha esposa disse que ia me ligar mais tarde.
    | o atendente com quem falei ontem foi ótimo. | reserva uma mesa para dois às {time}. | como está o tempo em {city}?
    | procura um voo para {city} no dia {date}. | toca um {genre}. | obrigado, é só isso. | beleza, tchau.
    | eu realmente não gosto de filme de terror. | estou triste porque meu cachorro está doente.
    | que horas abre a central de atendimento? | pode verificar o status do meu pedido {order}?
    | não quero falar com um humano. | eu disse que NÃO quero que me liguem. | como mudo o e-mail da minha conta?
    | como atualizo meu número de telefone? | me lembra de ligar pra minha mãe às {time}. | coloca um alarme para as {time}.
    | me conta uma piada. | como redefino minha senha? | odeio segunda-feira. | o trânsito hoje de manhã estava horrível.
    | perdi meu celular, podem bloquear o chip? | posso adicionar outra pessoa na minha conta?
    | agora estou te ouvindo perfeitamente, obrigado. | o vídeo que vocês mandaram ajudou muito.
    | depois eu ligo de novo se precisar. | estou escrevendo uma reclamação para o meu síndico. | vocês entregam em {city}?
    | posso pagar no cartão? | valeu, {name}, muito gentil. | o entregador foi muito educado.
    | já recebi o SMS com o código, obrigado. | não precisa de chamada de vídeo, a foto basta.
    | não precisa me chamar no {app}, aqui está ótimo. | por favor, não me liga.
time: 19h | 20h | 7h | 8h30
city: Paris | Denver | Lisboa | Porto | Recife | Curitiba
date: 4 de março | 12 de maio | 1º de junho | 20 de outubro
genre: jazz | rock | samba | sertanejo
nctx: tenho uma dúvida sobre o pedido {order}. | quero mudar o endereço de entrega do pedido {order}.
    | vou me mudar mês que vem. | quero mudar de plano.
neg_q: pode me ajudar? | o que eu preciso fazer? | quanto tempo demora? | dá pra fazer pelo app?
""")

# Further train-family fillers, appended to the slots above: more verbs, registers and
# word orders per language (written apart from the test family; app names above stay disjoint
# from the test family's, so messaging recall measures generalisation to unseen apps).
_TRAIN_MORE = {}
_TRAIN_MORE["en"] = _slots("""
m_core: DM me on {app}. | hit me up on {app}. | can we move this chat over to {app}? | switch to {app}, it's easier for me.
    | I'm on {app} as {nick}, message me there. | reply on {app} instead, please. | continue on {app}?
    | can your team reach me over {app}? | chat with me on {app} later. | is there a {app} number I can message?
    | let's take this to {app}. | I'd rather use {app} than this chat. | write me on {app} when you know more.
c_core: you're very faint, I can't make out what you're saying. | the signal is terrible, I keep losing you.
    | sorry, the call keeps freezing. | your audio is garbled. | it went silent, are you there? | you dropped out again.
    | I'm getting every other word. | the line crackles every time you talk. | my call got cut off halfway.
    | I can't understand you, the sound is distorted. | we keep getting disconnected. | you're muffled, the line is poor.
p_core: hand me over to {human}. | I need a real human on this. | escalate me to {boss}. | route me to {cs}.
    | a human, please. | stop, I want {human}. | agent! | operator. | representative, please. | speak to {human} now.
    | can someone from {cs} take over? | I'd like this handled by {human}. | please bring in {human}.
    | who can I talk to that's not a bot? | is there anyone real there? | let a person handle this.
v_core: ring me back on {phone}. | phone me {when}. | can somebody call me? | a call would be easier, {phone}.
    | reach me by phone at {phone}. | can I get a phone call about this? | I'd like someone to phone me {when}.
""")
_TRAIN_MORE["es"] = _slots("""
p_core: que me atienda {human}. | quiero un humano. | ¿hay alguien de carne y hueso? | necesito {human} ya.
    | páseme con atención al cliente. | con {human}, por favor. | agente, por favor. | operador. | ¡quiero una persona!
    | me gustaría hablar con {human}. | ¿podría hablar con {boss}? | deriva mi caso a {human}. | que lo revise {human}.
    | ¿puede atenderme {human} en lugar de un robot? | ya basta de bot, quiero {human}. | ponme con alguien real.
    | necesito que me atienda alguien del equipo. | ¿me transfieres con {boss}? | que venga {boss}, quiero hablar con él.
v_core: llámenme, por favor. | ¿me pueden telefonear? | prefiero una llamada. | devuélvanme la llamada al {phone}.
    | ¿podéis llamarme {when}? | quiero que alguien me llame. | mejor llámame por teléfono. | dame un toque al {phone}.
m_core: háblame por {app}. | pásate a {app}, es más fácil. | mándame un mensaje por {app}. | ¿tenéis {app}?
    | contáctame por {app} al {phone}. | sigamos la conversación en {app}. | escríbeme al {app} cuando sepas algo.
c_core: no se oye nada. | te has cortado. | se escucha fatal. | la llamada se corta todo el rato. | ¿me oyes? yo a ti no.
    | se ha caído la línea. | hay interferencias. | se te oye muy bajo. | la conexión es malísima. | solo oigo ruido.
    | se ha quedado en silencio, ¿sigues ahí? | se entrecorta tu voz.
x_core: estoy muy decepcionado con ustedes. | esto es un desastre. | su atención es lamentable. | no hay derecho.
    | es indignante. | estoy hasta las narices. | voy a dejar de ser cliente. | nunca más compro aquí.
    | qué vergüenza de servicio. | me tienen harto con tantas excusas. | estoy muy molesto con {x_topic}.
x_topic: la entrega | el servicio técnico | su empresa | la factura | el trato recibido
""")
_TRAIN_MORE["de"] = _slots("""
p_core: ich will einen Menschen. | bitte einen Mitarbeiter. | geben Sie mir {human_acc}. | holen Sie {boss_acc}.
    | ich möchte {boss_acc} sprechen. | kann sich jemand vom Kundenservice das ansehen? | verbinden Sie mich mit dem Kundenservice.
    | Mitarbeiter, bitte! | ich brauche jetzt {human_acc}. | kein Bot, bitte {human_acc}. | stellen Sie mich zu {boss_dat} durch.
    | gibt es hier einen echten Menschen? | ich möchte lieber mit {human} reden. | leiten Sie mich an {human_acc} weiter.
    | kann ich jemanden vom Team sprechen? | ich will mit jemandem sprechen, der kein Roboter ist.
v_core: rufen Sie mich zurück. | können Sie mich {when} anrufen? | ich möchte angerufen werden. | bitte Rückruf unter {phone}.
    | lieber telefonisch, rufen Sie mich an. | können wir telefonieren? | melden Sie sich telefonisch unter {phone}.
m_core: schreib mir auf {app}. | können wir zu {app} wechseln? | meld dich per {app}. | haben Sie {app}?
    | kontaktieren Sie mich über {app} unter {phone}. | lass uns auf {app} weiterschreiben. | bitte per {app} antworten.
c_core: die Verbindung ist schlecht. | ich höre nur Rauschen. | Sie sind weg. | die Leitung ist tot. | es knackt in der Leitung.
    | Sie brechen ab. | ich verstehe Sie nicht, der Ton ist schlecht. | das Gespräch ist abgebrochen. | hallo? sind Sie noch da?
    | der Ton hängt. | Sie sind sehr leise. | wir wurden getrennt.
x_core: das ist eine Frechheit. | ich bin sehr enttäuscht. | Ihr Service ist eine Katastrophe. | so geht das nicht.
    | ich habe die Nase voll. | das ist unverschämt. | ich kündige. | nie wieder bei Ihnen. | ich warte seit Wochen, unglaublich.
    | Ihr Kundenservice ist unterirdisch. | ich bin total unzufrieden.
""")
_TRAIN_MORE["fr"] = _slots("""
p_core: je veux un humain. | un conseiller, s'il vous plaît. | mettez-moi en relation avec {human}. | passez-moi {boss}.
    | je voudrais parler à {boss}. | est-ce que {human} peut s'en occuper ? | transférez-moi au service client.
    | agent ! | opérateur. | pas de robot, je veux {human}. | il y a quelqu'un de réel ? | je préfère parler à {human}.
    | j'aimerais qu'{human} reprenne mon dossier. | faites venir {boss}. | je souhaite être mis en relation avec {human}.
v_core: rappelez-moi. | vous pouvez me téléphoner {when} ? | je voudrais être rappelé. | passez-moi un coup de fil au {phone}.
    | c'est plus simple par téléphone, appelez-moi. | on peut s'appeler ? | téléphonez-moi au {phone}.
m_core: écris-moi sur {app}. | on passe sur {app} ? | contactez-moi via {app}. | vous avez {app} ?
    | envoyez-moi un message sur {app} au {phone}. | continuons sur {app}. | répondez-moi sur {app}, svp.
c_core: je ne vous entends plus. | ça coupe. | la communication a coupé. | il y a de la friture sur la ligne.
    | vous êtes hachée. | allô ? vous êtes là ? | le son est très mauvais. | la ligne a sauté. | ça capte mal.
    | je n'entends qu'un mot sur deux. | vous parlez trop bas, la ligne est mauvaise. | on a été déconnectés.
x_core: je suis très déçu. | c'est honteux. | votre service client est catastrophique. | j'en ai marre.
    | c'est n'importe quoi. | je vais résilier. | plus jamais chez vous. | ça fait des semaines que j'attends, c'est inadmissible.
    | votre entreprise est une honte. | je suis vraiment mécontent.
""")
_TRAIN_MORE["pt"] = _slots("""
p_core: quero um humano. | um atendente, por favor. | me coloca com {human}. | chama {boss}.
    | quero falar com {boss}. | alguém de verdade pode ver isso? | me transfere pro atendimento. | atendente!
    | não quero robô, quero {human}. | tem alguém real aí? | prefiro falar com {human}. | passa meu caso pra {human}.
    | gostaria de falar com {human}. | pode me passar para {boss}? | preciso que {human} me atenda.
v_core: me liga, por favor. | podem me telefonar {when}? | quero receber uma ligação. | me dá uma ligada no {phone}.
    | é mais fácil por telefone, me liga. | dá pra gente se falar por telefone? | liga pra mim no {phone}.
m_core: me escreve no {app}. | bora pro {app}? | me contata pelo {app}. | vocês têm {app}?
    | manda mensagem no {app} pro {phone}. | vamos continuar no {app}. | me responde pelo {app}.
c_core: não dá pra ouvir nada. | caiu a ligação. | tá chiando muito. | você tá picotando. | alô? cadê você?
    | o som tá horrível. | a linha ficou muda. | tá falhando o sinal. | só ouço metade do que você fala.
    | você tá muito baixo, a ligação tá ruim. | a gente foi desconectado.
x_core: estou muito decepcionado. | que vergonha. | o atendimento de vocês é um lixo. | cansei disso.
    | isso é um desrespeito. | vou cancelar tudo. | nunca mais compro com vocês. | faz semanas que espero, é um absurdo.
    | que serviço horrível. | estou muito insatisfeito.
""")

# A wider second set of train-family fillers: more verbs, nouns and registers for every intent,
# and more look-alikes (negated requests, names, other senses of the words, reported speech,
# informational questions, home outages). Merged into _TRAIN_SLOTS like _TRAIN_MORE.
_TRAIN_WIDE = {}
_TRAIN_WIDE["en"] = _slots("""
boss: the person in charge | a team leader | someone senior | your boss | a supervisor or manager
p_core: get me someone who can actually help. | I want a person to look at this instead of you.
    | can a supervisor take a look at my case? | I need to speak to a manager about this. | put a manager on, please.
    | is there a human there? | are there any real people working there? | I'd like to be put through to {cs}.
    | please connect me with {cs}. | can I have someone from {cs}, please? | I don't want to chat with a bot, get me {human}.
    | not a robot, {human}. | can you hand this over to {human}? | I demand to speak to {boss}.
    | escalate this to a supervisor, please. | can I speak with somebody? | I'd prefer to talk to {human} about this.
    | could you transfer me to someone who can help? | put me on with {human}. | I need a human to sort this out.
neg_core: I don't want a manager, I just want my refund status. | I do NOT need an agent. | no, I don't want to be transferred.
    | my manager asked me to check the invoice. | the supervisor at the store said it's fine. | I'm the person who placed the order.
    | my agent number is {digits}. | is customer service open on Sundays? | what are the opening hours of your phone line?
    | my home wifi keeps dropping every evening. | my internet connection at home is really slow.
    | the person I spoke to earlier said it was sorted. | thanks for your help, have a good one. | no need for a human, this works.
    | my son said he'd text me the code. | I'll speak to my manager and get back to you.
""")
_TRAIN_WIDE["es"] = _slots("""
human: alguien | un agente humano | alguien de servicio al cliente | un operador humano | una persona de carne y hueso
    | alguien del servicio técnico | un asesor de verdad
boss: un responsable | el jefe | alguien con autoridad | el supervisor de turno | un encargado
p_core: ¿me pasas con un agente? | quiero hablar con alguien que no sea un robot. | ¿hay alguien real? | ¿hay algún humano ahí?
    | agente por favor. | ¿me puede atender una persona? | quisiera hablar con {human}. | ¿sería posible hablar con {human}?
    | ¿podría pasarme con {boss}? | pásame con servicio al cliente. | pásame con atención al cliente, por favor.
    | necesito un humano, no un bot. | hablar con agente. | quiero hablar con una persona, no con una máquina.
    | ¿me pone con {human}, por favor? | póngame con {boss}. | comuníqueme con {human}. | transfiérame con {boss}.
    | ¿me puedes transferir a {human}? | ¿puedo hablar con alguien de verdad? | quiero que me atienda alguien de verdad.
    | necesito hablar con alguien ya. | ¡pásame con un humano de una vez! | basta de máquinas, pásame con {human}.
    | quiero hablar con un asesor. | me gustaria hablar con un asesor. | quiero hablar con un operador.
    | pasame con alguien por favor | ¿hay algun humano? | necesito que alguien me atienda personalmente.
    | ¿con quién puedo hablar de esto? quiero una persona. | que se ponga {boss}. | llame a un supervisor, por favor.
v_core: llámame cuando puedas. | ¿me puede llamar alguien de ustedes? mi número es {phone}. | prefiero hablarlo por teléfono.
    | ¿me hacéis una llamada {when}? | deme un telefonazo. | quiero que me devuelvan la llamada. | llamadme al {phone}.
vid_core: ¿hacemos una videollamada? | prefiero verte por videollamada. | ¿podemos hacer un FaceTime? | ¿me llamas por video?
    | ¿tenéis atención por videollamada? | quiero enseñarte el daño por videollamada. | mándame un enlace de Google Meet.
s_core: escríbeme un SMS. | mándame un mensajito al {phone}. | ¿me avisas por SMS? | envíame el número de seguimiento por SMS.
e_core: ¿me lo mandas al mail? | escríbeme un email, por favor. | mándame un correo con el presupuesto.
    | quiero recibirlo por correo electrónico.
m_core: ¿me escribes al {app}? | mejor por {app}. | ¿me agregas en {app}? mi número es {phone}.
c_core: ¿me oyes? | se corta. | no se te escucha. | te escucho como un robot. | se congeló la imagen. | se ha congelado el video.
    | se me cortó la llamada. | hay mucha interferencia, no te entiendo. | la llamada se cayó otra vez. | ¿hola? ¿me escuchas?
    | estás entrecortado. | se oye con eco. | no te oigo nada. | te has quedado congelado. | la línea está muy mal, se corta.
    | ¿sigues ahí? se ha cortado. | solo oigo la mitad de lo que dices. | se escucha robótico. | perdón, se cayó la conexión.
x_core: estoy muy descontento con el servicio. | qué mala atención. | el producto es una porquería. | no estoy nada satisfecho.
    | esto es un abuso. | ustedes son unos incompetentes. | estoy cansado de que me den largas.
    | es la tercera vez que llamo y nadie me ayuda. | qué pésimo servicio tienen. | voy a poner una reclamación formal.
    | estoy muy enfadado con su empresa. | esto no es serio. | qué decepción de compañía.
x_topic: el producto | la atención al cliente | el servicio | la compañía
neg_core: NO quiero hablar con un agente. | no quiero que me pasen con nadie, solo dime el estado. | no necesito un supervisor.
    | te he dicho que NO quiero un asesor. | no hace falta que me pases con nadie. | mis datos personales están mal en la factura.
    | es una cuenta personal, no de empresa. | el personal de la tienda fue muy amable. | mi agente de seguros me lo recomendó.
    | la agencia de viajes me mandó el billete. | el asesor fiscal me pidió la factura. | mi jefe me pidió la factura.
    | el encargado de la tienda me dijo que escribiera aquí. | me dijeron que un agente me llamaría. | mi nombre es {name}.
    | soy {name}, el titular de la cuenta. | ¿cuál es el horario de atención telefónica? | ¿el servicio al cliente abre los domingos?
    | el wifi de casa se corta todas las noches. | internet va lentísimo en casa. | mi fibra no funciona desde ayer.
    | gracias por la ayuda, hasta luego. | muchas gracias, que tengas buen día. | vale, perfecto, adiós.
    | mi madre dijo que hablaría con un supervisor. | el operador me dio un número de incidencia. | ya hablé con un agente ayer.
    | no necesito hablar con nadie, ya está resuelto. | el humano es el único animal que tropieza dos veces.
    | ¿cuántas personas pueden usar la cuenta? | esto es para una persona o para dos.
""")
_TRAIN_WIDE["de"] = _slots("""
human: jemandem | einem Sachbearbeiter | jemandem aus dem Kundendienst | einem echten Mitarbeiter
    | einem Kundendienstmitarbeiter | einem menschlichen Mitarbeiter | jemandem vom Support
human_acc: jemanden | einen Sachbearbeiter | einen Kundenberater | jemanden vom Kundendienst | einen echten Mitarbeiter
    | einen menschlichen Ansprechpartner
boss_acc: den Chef | einen Verantwortlichen | Ihren Chef | die Schichtleitung
boss_dat: dem Chef | Ihrem Chef | einem Verantwortlichen
p_core: kein Bot bitte, ein Mensch. | ist da ein Mensch? | gibt es da auch echte Menschen? | Mitarbeiter bitte.
    | ich möchte mit einem Menschen sprechen, nicht mit einer Maschine. | verbinden Sie mich bitte mit dem Kundendienst.
    | können Sie mich zu {human} durchstellen? | stellen Sie mich bitte durch. | könnten Sie mich mit {human} verbinden?
    | ich würde gern mit {human} sprechen. | ich hätte gerne {boss_acc} am Telefon. | ich verlange {boss_acc}.
    | ich möchte mit {boss_dat} sprechen. | leiten Sie das bitte an {human_acc} weiter. | bitte weiterleiten an den Kundenservice.
    | kann mir ein Mensch helfen? | gibt es jemanden, mit dem ich sprechen kann? | ich will endlich mit {human} reden!
    | verbind mich mal mit nem Mitarbeiter. | mit mitarbeiter sprechen | ich moechte mit einem menschen sprechen
    | können Sie mir {human_acc} geben? | kann ich bitte {boss_acc} sprechen? | lassen Sie mich mit jemandem reden, der sich auskennt.
    | holen Sie mir jemanden, der mir wirklich helfen kann. | ich brauche einen Ansprechpartner aus Fleisch und Blut.
    | ich will keinen Chatbot, ich will einen Menschen! | Kundenservice bitte. | echte Person bitte.
v_core: können Sie mich anrufen? | ruf mich bitte zurück. | ich bitte um Rückruf. | rufen Sie mich unter {phone} an.
    | würden Sie mich {when} anrufen? | ich hätte gern einen Anruf {when}. | ein Anruf wäre mir lieber. | klingeln Sie mich an.
    | bitte um telefonischen Rückruf. | können Sie sich telefonisch bei mir melden? | ruf mich auf meinem Handy an, {phone}.
    | ich möchte das am Telefon besprechen, rufen Sie mich bitte an. | rufen Sie mich wegen der Bestellung {order} an.
vid_core: können wir per Video sprechen? | machen wir einen Videocall? | ich möchte einen Videotermin. | schicken Sie mir einen Link für Google Meet.
    | können Sie mich per FaceTime anrufen? | lassen Sie uns {when} einen Videoanruf machen. | per Videochat wäre es einfacher.
    | ich würde Ihnen den Schaden gern im Videoanruf zeigen. | geht auch ein Videotelefonat? | bitte einen Videoanruf statt Chat.
m_core: schreiben Sie mir bitte per {app}. | können Sie mir die Infos per {app} schicken? | ich bin auf {app} erreichbar.
    | bitte melden Sie sich per {app} bei mir. | schick mir eine Nachricht auf {app}. | lieber über {app}, bitte.
    | mein {app} ist {phone}, schreiben Sie mir dort. | können wir das per {app} klären? | antworten Sie mir bitte auf {app}.
s_core: schick mir eine SMS. | per SMS bitte. | bitte eine SMS an {phone}. | können Sie mir die Sendungsnummer per SMS schicken?
e_core: bitte schicken Sie mir eine E-Mail. | mailen Sie mir das. | kann ich das per Mail bekommen? | schreib mir eine Mail an {addr}.
c_core: hallo? hören Sie mich? | hören Sie mich noch? | die Verbindung bricht ständig ab. | ich höre Sie nicht mehr.
    | das Bild ist eingefroren. | Sie klingen wie ein Roboter. | da ist ein Echo in der Leitung. | die Verbindung ist gerade weg.
    | ich verstehe kein Wort, die Leitung ist so schlecht. | das Gespräch wurde getrennt. | Sie sind abgehackt.
    | es kommt nur jedes zweite Wort an. | das Video hängt. | der Anruf ist abgebrochen. | Sie sind total verzerrt.
    | hallo? hallo? sind Sie noch dran? | jetzt sind Sie weg. | die Verbindung ist ganz schlecht, ich höre Sie kaum.
x_core: ich bin mit Ihrem Service überhaupt nicht zufrieden. | das ist eine Unverschämtheit. | ich bin stinksauer.
    | Ihr Produkt ist Schrott. | so ein schlechter Service. | ich bin sehr unzufrieden mit Ihrer Firma.
    | das ist schon das dritte Mal, dass ich anrufe, und keiner hilft. | ich werde mich bei der Verbraucherzentrale beschweren.
    | Sie vertrösten mich seit Wochen. | das ist absolut unprofessionell. | ich bin wirklich verärgert. | was für ein Saftladen.
    | ich möchte eine offizielle Beschwerde einlegen.
neg_core: ich will KEINEN Mitarbeiter. | ich brauche keinen Menschen, sagen Sie mir nur die Lieferzeit. | nein, nicht weiterleiten.
    | ich möchte NICHT verbunden werden. | ich will nicht mit Ihrem Vorgesetzten sprechen. | das ist mein persönliches Konto.
    | ich hole das Paket persönlich ab. | meine persönlichen Daten sind falsch. | die Agentur für Arbeit braucht die Rechnung.
    | meine Werbeagentur hat das bestellt. | mein Chef braucht eine Kopie der Rechnung. | der Berater im Laden hat gesagt, es passt.
    | man hat mir gesagt, dass ein Mitarbeiter mich anruft. | mein Name ist {name}. | ich bin {name}, der Kontoinhaber.
    | wann ist die telefonische Hotline erreichbar? | hat der Kundenservice am Samstag geöffnet?
    | mein WLAN zu Hause bricht ständig ab. | mein Internet zu Hause ist seit gestern weg. | das Internet ist bei mir total langsam.
    | danke für die Hilfe, schönen Tag noch. | alles klar, vielen Dank, tschüss. | perfekt, mehr brauche ich nicht.
    | mein Mann wollte gestern mit einem Vorgesetzten sprechen. | ich habe schon mit einem Mitarbeiter gesprochen.
    | keine Sorge, ich brauche niemanden, es hat sich erledigt. | der Mensch ist ein Gewohnheitstier.
    | für wie viele Personen ist der Tarif? | mein Sachbearbeiter bei der Versicherung braucht die Nummer.
""")
_TRAIN_WIDE["fr"] = _slots("""
human: un vrai conseiller | une personne du service clientèle | un interlocuteur humain | un conseiller du service client
    | un technicien | une vraie personne du service client | un opérateur humain
boss: votre chef d'équipe | un manager | votre chef | quelqu'un de responsable
p_core: je veux pas parler à un robot. | je veux parler à quelqu'un. | il y a un vrai humain derrière l'écran ? | il y a un humain ?
    | passez-moi quelqu'un, s'il vous plaît. | je voudrais parler à quelqu'un du service client. | service client, svp.
    | conseiller svp | je peux avoir un conseiller ? | pourriez-vous me passer {human} ? | pourriez-vous me transférer à {boss} ?
    | je souhaiterais parler à {human}. | j'exige de parler à {boss}. | mettez-moi en contact avec quelqu'un de compétent.
    | je veux parler à une vraie personne, pas à une machine. | vous pouvez me mettre en relation avec {human} ?
    | transférez mon appel à {human}. | j'ai besoin de quelqu'un qui peut vraiment m'aider. | un humain, vite !
    | je veux parler a un conseiller | passez moi un humain | y a quelqu'un de vrai derrière ? | stop le robot, un conseiller !
    | j'aimerais avoir quelqu'un en ligne. | vous pouvez me passer le service client ? | je voudrais qu'une personne regarde mon dossier.
    | est-ce que je pourrais parler à {boss} ? | je veux un vrai interlocuteur.
    | vous pouvez me basculer vers {human} ? | je veux qu'on me passe un conseiller. | redirigez-moi vers le service client.
    | je préférerais échanger avec {human}. | y a-t-il un conseiller disponible ? | je veux parler à un responsable, c'est possible ?
v_core: appelez-moi. | vous pouvez me rappeler ? | rappelez-moi au plus vite. | j'aimerais qu'on me rappelle {when}.
    | vous pourriez m'appeler au {phone} ? | je préfère un appel. | merci de me rappeler au {phone}. | tu peux m'appeler ?
    | passez-moi un coup de fil {when}. | c'est possible d'être rappelé ? | appelez-moi sur mon portable.
    | je voudrais qu'on en parle de vive voix, appelez-moi.
vid_core: on peut faire une visio ? | je voudrais un rendez-vous en visio. | appelez-moi en FaceTime. | envoyez-moi un lien Google Meet.
    | on peut passer en appel vidéo pour que je vous montre ? | c'est possible de faire un appel vidéo {when} ? | une visio serait plus simple.
m_core: vous pouvez m'écrire sur {app} ? | je suis joignable sur {app}. | envoyez-moi ça sur {app}. | mon {app} c'est le {phone}.
    | on continue sur {app} ? | contactez-moi plutôt sur {app}.
s_core: envoyez-moi un texto. | par SMS, svp. | vous pouvez m'envoyer un SMS au {phone} ? | envoyez le numéro de suivi par SMS.
e_core: envoyez-moi un mail. | vous pouvez m'écrire par mail ? | envoyez-moi le devis par e-mail. | par mail à {addr}, svp.
c_core: je vous entends pas. | vous m'entendez ? | allô ? allô ? vous m'entendez ? | on a été coupés. | ça a coupé.
    | l'image est figée. | la vidéo est bloquée. | vous avez une voix de robot. | il y a de l'écho. | la ligne grésille.
    | vous êtes coupé. | je ne vous entends que par morceaux. | la communication est très mauvaise. | ça capte pas bien, vous coupez.
    | la connexion est instable, je vous perds. | allô ? vous êtes toujours en ligne ? | l'appel a sauté.
x_core: je ne suis pas du tout satisfait. | personne ne m'aide, c'est nul. | votre produit est de la camelote.
    | c'est la troisième fois que j'appelle et personne ne règle le problème. | vous vous moquez de moi.
    | je suis furieux. | quel service lamentable. | je vais porter plainte. | c'est du grand n'importe quoi.
    | je suis très mécontent de votre service. | votre société est nulle. | on me balade depuis des semaines.
neg_core: je ne veux PAS parler à un conseiller. | pas besoin d'un humain, dites-moi juste le délai. | non, ne me transférez pas.
    | je ne veux pas de responsable, juste mon remboursement. | personne n'était là quand le livreur est passé.
    | je n'ai besoin de personne, merci. | ne donnez mon numéro à personne. | personne dans ma famille n'utilise ce forfait.
    | c'est un compte personnel. | mes données personnelles sont fausses. | mon agent immobilier m'a conseillé cette offre.
    | l'agence de voyage m'a envoyé le billet. | mon conseiller bancaire a besoin de la facture. | mon chef veut une copie de la facture.
    | on m'a dit qu'un conseiller me rappellerait. | je m'appelle {name}. | moi c'est {name}. | je suis {name}, le titulaire du compte.
    | le service client est ouvert le dimanche ? | quels sont les horaires du service téléphonique ?
    | le wifi chez moi coupe tous les soirs. | ma connexion internet à la maison est très lente. | ma box ne marche plus depuis hier.
    | merci pour votre aide, bonne journée. | super, merci, au revoir. | c'est parfait, bonne soirée.
    | mon mari voulait parler à un responsable hier. | j'ai déjà parlé à un conseiller ce matin.
    | c'est pour une personne ou pour deux ? | l'humain a toujours raison, dit mon père.
""")
_TRAIN_WIDE["pt"] = _slots("""
human: alguém | um atendente de verdade | alguém do SAC | uma pessoa real | um humano de verdade | alguém do suporte
    | um atendente humano de verdade | uma pessoa de carne e osso
boss: a gerência | o coordenador | alguém responsável | o chefe | o supervisor de plantão
p_core: quero falar com um atendente. | quero falar com atendente. | atendente por favor. | tem algum humano aí?
    | tem alguma pessoa real aí? | quero falar com alguém que não seja robô. | me passa pra um atendente. | me transfere pro SAC.
    | quero falar com o SAC. | falar com atendente | falar com humano | preciso falar com alguém urgente.
    | gostaria de ser atendido por {human}. | poderia me transferir para {boss}? | poderia me passar para {human}?
    | me põe em contato com {human}. | me conecta com {human}, por favor. | quero ser transferido para {human}.
    | chega de robô, quero uma pessoa. | eu quero falar com uma pessoa de verdade, não com máquina.
    | quero falar com um supervisor agora. | cadê um atendente humano? | preciso de um humano pra resolver isso.
    | me passa pro gerente. | vc pode me passar pra um atendente? | quero falar c um atendente | nao quero robo quero atendente
    | eu gostaria de falar com alguém do atendimento. | tem como falar com uma pessoa? | me coloca com o suporte humano.
    | tem algum atendente disponível? | preciso de atendimento humano. | encaminha meu caso pra {human}.
    | quero conversar com {human}. | posso falar com {boss}? | me passa pra alguém que entenda do assunto.
v_core: me liga. | pode me ligar no {phone}? | quero que alguém me ligue de volta. | me retorna a ligação, por favor.
    | liga pra mim {when}. | prefiro por telefone, me liga. | dá pra me ligar {when}? | me telefona, por favor.
    | gostaria de receber uma ligação. | me dá um toque no {phone}. | podem me retornar por telefone?
vid_core: vamos fazer uma videochamada? | me liga por vídeo. | pode ser por chamada de vídeo? | me manda um link do Google Meet.
    | quero mostrar o defeito por vídeo. | tem atendimento por videochamada? | dá pra fazer um FaceTime?
m_core: me chama no zap. | me manda no zap. | pode me chamar no {app}? | fala comigo no {app}. | me adiciona no {app}, {phone}.
s_core: me manda uma mensagem de texto. | por SMS, por favor. | manda um SMS pro {phone}. | me avisa por SMS.
e_core: me manda por e-mail. | manda no meu email. | pode me mandar um e-mail? | manda o orçamento por e-mail.
c_core: tá cortando muito. | não tô te ouvindo. | você tá me ouvindo? | alô? alô? tá me ouvindo? | a ligação caiu de novo.
    | a imagem congelou. | o vídeo travou. | sua voz tá robotizada. | tá com eco. | a ligação tá horrível, não entendo nada.
    | caiu aqui. | tá travando. | você sumiu. | cortou a ligação. | a linha tá péssima. | só ouço chiado.
x_core: o atendimento é horrível. | estou muito insatisfeito com o serviço. | o produto é uma porcaria.
    | é a terceira vez que ligo e ninguém resolve. | vocês são uns incompetentes. | estou revoltado.
    | que falta de respeito com o cliente. | vou abrir uma reclamação no Reclame Aqui. | péssima empresa.
    | vocês só me enrolam. | estou muito chateado com a empresa. | que descaso.
neg_core: NÃO quero falar com atendente. | eu não quero atendente nenhum, só o código de rastreio. | não precisa me transferir.
    | não quero falar com o gerente, só quero o reembolso. | eu disse que NÃO quero ser transferido. | é uma conta pessoal.
    | meus dados pessoais estão errados. | é pra uso pessoal. | meu agente de seguros indicou vocês.
    | a agência de viagens mandou a passagem. | meu gerente do banco pediu o comprovante. | meu chefe pediu a nota fiscal.
    | disseram que um atendente ia me ligar. | meu nome é {name}. | aqui é {name}, titular da conta. | me chamo {name}.
    | que horas abre o atendimento por telefone? | o SAC funciona no domingo? | qual o horário da central?
    | o wifi de casa cai toda noite. | minha internet em casa tá muito lenta. | estou sem internet em casa desde ontem.
    | obrigado pela ajuda, tchau. | valeu, era só isso. | beleza, bom dia pra você.
    | meu marido queria falar com o gerente ontem. | já falei com um atendente hoje de manhã.
    | o atendente da loja foi muito educado. | o plano é pra uma pessoa ou pra família? | ninguém em casa usa esse chip.
""")

# Combinations and exact short phrasings for the other languages (person + voice, + complaint ...).
_TRAIN_EXTRA["es"] = _templates("""
person voice *8    | quiero que me llame {human}, mi número es {phone}.
person voice *1    | ¿puede llamarme un agente?
person compl *8    | {x_core} quiero hablar con {boss} ya.
person compl *1    | este bot no sirve para nada, quiero una persona
conn person *1     | se corta todo el rato, pásame con otra persona
conn compl *1      | es la tercera vez que se corta la llamada, qué vergüenza
person *1          | agente
person *1          | humano por favor
person *1          | operador por favor
- *1               | no quiero un agente
- *1               | me llamo Agustín
""")
_TRAIN_EXTRA["de"] = _templates("""
person voice *8    | kann mich {human} unter {phone} zurückrufen?
person voice *1    | ich möchte von einem Mitarbeiter angerufen werden
person compl *8    | {x_core} ich will sofort {boss_acc} sprechen.
person compl *1    | dieser Bot ist nutzlos, ich will einen Menschen
conn person *1     | die Leitung ist so schlecht, verbinden Sie mich bitte mit einem anderen Mitarbeiter
conn compl *1      | schon wieder ist die Verbindung abgebrochen, das ist echt unzumutbar
person *1          | Mitarbeiter
person *1          | Mensch bitte
person *1          | Kundenservice
- *1               | keinen Mitarbeiter bitte
- *1               | ich heiße Agentin Müller
""")
_TRAIN_EXTRA["fr"] = _templates("""
person voice *8    | j'aimerais que {human} me rappelle au {phone}.
person voice *1    | un conseiller peut m'appeler ?
person compl *8    | {x_core} passez-moi {boss} tout de suite.
person compl *1    | ce robot ne sert à rien, je veux un humain
conn person *1     | ça coupe tout le temps, passez-moi un autre conseiller
conn compl *1      | c'est la troisième fois que ça coupe, c'est inadmissible
person *1          | conseiller
person *1          | humain svp
person *1          | un agent svp
- *1               | personne ne m'a appelé hier
- *1               | je m'appelle Agnès
""")
_TRAIN_EXTRA["pt"] = _templates("""
person voice *8    | quero que {human} me ligue no {phone}.
person voice *1    | um atendente pode me ligar?
person compl *8    | {x_core} quero falar com {boss} agora.
person compl *1    | esse robô não serve pra nada, quero uma pessoa
conn person *1     | tá cortando demais, me passa pra outro atendente
conn compl *1      | é a terceira vez que a ligação cai, que absurdo
person *1          | atendente
person *1          | humano por favor
person *1          | SAC
- *1               | não quero atendente
- *1               | meu nome é Agenor
""")

# More look-alikes per language: negated requests (also in capitals), reported speech, names,
# other senses of the request words, opening-hours questions, home outages, thanks and goodbyes.
_TRAIN_LOOKALIKES = {}
_TRAIN_LOOKALIKES["en"] = _slots("""
neg_core: I DON'T want to speak to an agent. | don't transfer me, I just need the tracking number. | no supervisor needed, thanks.
    | I'm not asking for a human, just the opening hours. | my supervisor at work approved the purchase.
    | the agent said the refund would take five days. | my colleague said customer service was helpful.
    | when does phone support open? | is the call centre open on bank holidays? | my broadband has been cutting out all week.
    | the wifi at home keeps disconnecting. | my name is {name}, the account holder. | I'm {name}, I ordered last week.
    | personal account, not business. | is this price per person? | nobody was home when the courier came.
    | cheers, that sorted it. | all good now, bye. | my brother works as a customer service agent.
""")
_TRAIN_LOOKALIKES["es"] = _slots("""
neg_core: NO quiero hablar con nadie. | NO quiero un operador, quiero el número de seguimiento. | no me pases con ningún asesor.
    | no quiero que me transfieran. | no pido una persona, solo el horario. | no me hace falta un humano, gracias.
    | el asesor me dijo que el reembolso tarda cinco días. | mi compañero dijo que el servicio al cliente fue muy bueno.
    | mi hermana trabaja de operadora en un call center. | la agente de la tienda me atendió muy bien.
    | ¿hasta qué hora atienden por teléfono? | ¿el teléfono de atención al cliente es gratuito? | ¿abren los festivos?
    | el wifi de casa va y viene. | en casa se me corta internet cada dos por tres. | el router de casa se desconecta solo.
    | me llamo {name} y soy cliente desde hace años. | llámame {nick}, que así me conoce todo el mundo. | mi apellido es Persona.
    | es para uso personal. | ¿el precio es por persona? | la atención personalizada de la tienda fue buena.
    | nadie estaba en casa cuando vino el repartidor. | muchas gracias, ya está todo. | genial, hasta otra. | vale, gracias, adiós.
    | mi supervisor del trabajo aprobó la compra. | mi jefe dijo que llamaría él mañana. | el humo del vecino me molesta.
    | ya me atendió una persona ayer, gracias. | no hace falta videollamada. | no me escribas por {app}, por favor.
    | NO me llames, escríbeme aquí. | soy agente comercial de otra empresa. | el encargado de mi edificio recoge los paquetes.
""")
_TRAIN_LOOKALIKES["de"] = _slots("""
neg_core: ich will mit NIEMANDEM sprechen, nur die Sendungsnummer. | verbinden Sie mich NICHT weiter. | ich brauche keinen Berater.
    | kein Mitarbeiter nötig, danke. | ich will nicht weitergeleitet werden. | ich möchte keinen Rückruf und keinen Mitarbeiter.
    | der Berater sagte, die Erstattung dauert fünf Tage. | mein Kollege meinte, der Kundenservice sei gut.
    | meine Schwester arbeitet im Kundenservice einer Bank. | die Mitarbeiterin im Laden war sehr nett.
    | bis wann ist die Hotline besetzt? | ist die Kundenhotline kostenlos? | haben Sie an Feiertagen geöffnet?
    | das WLAN zu Hause fällt ständig aus. | bei mir zu Hause bricht das Internet dauernd ab. | der Router zu Hause trennt sich ständig.
    | ich heiße {name} und bin seit Jahren Kunde. | nennen Sie mich einfach {nick}. | mein Nachname ist Mensch.
    | das ist für den persönlichen Gebrauch. | ist der Preis pro Person? | ich möchte das persönlich im Laden klären.
    | es war niemand zu Hause, als der Bote kam. | vielen Dank, das wär's. | super, bis dann. | okay, danke, tschüss.
    | mein Vorgesetzter bei der Arbeit hat den Kauf genehmigt. | meine Chefin ruft morgen selbst an.
    | mich hat gestern schon ein Mitarbeiter beraten, danke. | kein Videoanruf nötig. | bitte schreiben Sie mir nicht auf {app}.
    | rufen Sie mich NICHT an, schreiben Sie hier. | ich bin Handelsvertreter für eine andere Firma.
    | die Hausverwaltung nimmt meine Pakete an. | ich habe ein Problem mit meinem Reisebüro, nicht mit Ihnen.
""")
_TRAIN_LOOKALIKES["fr"] = _slots("""
neg_core: je ne veux parler à PERSONNE, juste le numéro de suivi. | ne me transférez PAS. | je n'ai pas besoin d'un conseiller.
    | pas besoin d'un humain, merci. | je ne veux pas être mis en relation. | je ne veux ni rappel ni conseiller.
    | le conseiller m'a dit que le remboursement prend cinq jours. | mon collègue m'a dit que le service client était bien.
    | ma sœur travaille dans un centre d'appels. | la vendeuse au magasin était très gentille.
    | jusqu'à quelle heure le service client répond au téléphone ? | le numéro du service client est-il gratuit ?
    | vous êtes ouverts les jours fériés ? | le wifi chez moi saute tout le temps. | internet coupe sans arrêt à la maison.
    | ma box se déconnecte toute seule. | je m'appelle {name} et je suis client depuis des années.
    | appelez-moi {nick}, tout le monde m'appelle comme ça. | mon nom de famille est Personne.
    | c'est pour un usage personnel. | le prix est par personne ? | personne d'autre n'utilise mon compte.
    | il n'y avait personne à la maison quand le colis est arrivé. | merci beaucoup, c'est tout. | génial, à plus. | ok merci, au revoir.
    | mon responsable au travail a validé l'achat. | ma cheffe va appeler elle-même demain.
    | un conseiller m'a déjà aidé hier, merci. | pas besoin d'appel vidéo. | ne m'écrivez pas sur {app}, s'il vous plaît.
    | ne m'appelez PAS, écrivez-moi ici. | je suis agent commercial pour une autre société. | le gardien de mon immeuble reçoit mes colis.
""")
_TRAIN_LOOKALIKES["pt"] = _slots("""
neg_core: NÃO quero falar com ninguém, só o código de rastreio. | NÃO me transfere. | não preciso de consultor.
    | não precisa de humano, obrigado. | não quero ser transferido pra ninguém. | não quero ligação nem atendente.
    | o atendente disse que o reembolso leva cinco dias. | meu colega disse que o atendimento foi bom.
    | minha irmã trabalha de atendente num call center. | a vendedora da loja foi muito simpática.
    | até que horas o SAC atende por telefone? | a ligação pro SAC é gratuita? | vocês abrem no feriado?
    | o wifi de casa fica caindo. | a internet lá de casa cai toda hora. | o roteador de casa desconecta sozinho.
    | me chamo {name} e sou cliente há anos. | pode me chamar de {nick}, todo mundo me chama assim. | meu sobrenome é Pessoa.
    | é pra uso pessoal, não empresarial. | o preço é por pessoa? | meu cartão pessoal foi recusado.
    | não tinha ninguém em casa quando o entregador veio. | muito obrigado, era isso. | show, até mais. | tá bom, obrigada, tchau.
    | meu supervisor no trabalho aprovou a compra. | minha chefe vai ligar amanhã.
    | um atendente já me ajudou ontem, obrigado. | não precisa de videochamada. | não me chama no {app}, por favor.
    | NÃO me liga, me responde aqui. | sou representante comercial de outra empresa. | o porteiro do prédio recebe minhas encomendas.
    | eu não quero atendente, quero que o app funcione.
""")
for _table in (_TRAIN_MORE, _TRAIN_WIDE, _TRAIN_LOOKALIKES):
    for _lang, _extra in _table.items():
        for _name, _values in _extra.items():
            _TRAIN_SLOTS[_lang][_name] = _TRAIN_SLOTS[_lang].get(_name, ()) + _values

# Per-template caps of the train family, by language group ("xx" = not English) and by the
# template's label when it has one ("-" = negatives, "multi" = two or more labels).
_TRAIN_CAPS = {
    "en": {"person": 55, "voice": 115, "sms": 150, "email": 137, "video": 160, "messaging": 165,
           "connection_trouble": 110, "complaint": 38, "multi": 30, "-": 1060},
    "xx": {"person": 190, "voice": 45, "sms": 24, "email": 24, "video": 28, "messaging": 38,
           "connection_trouble": 50, "complaint": 38, "multi": 12, "-": 480},
}

# Train-only noise (prefix, suffix) words per language.
_NOISE = {
    "en": (("ugh", "ok", "hello?", "look,", "hmm", "so"), ("now", "please", "!!!", "asap", "thanks", "??")),
    "es": (("uf", "vale", "¿hola?", "mira,", "bueno"), ("ya", "por favor", "!!!", "urgente", "gracias")),
    "de": (("boah", "ok", "hallo?", "also,", "na ja"), ("jetzt", "bitte", "!!!", "sofort", "danke")),
    "fr": (("pff", "ok", "allô ?", "écoutez,", "bon"), ("maintenant", "svp", "!!!", "vite", "merci")),
    "pt": (("aff", "ok", "alô?", "olha,", "bom"), ("agora", "por favor", "!!!", "urgente", "obrigado")),
}


# ============================================================================================
# TEST FAMILY - written separately from the train family (other frames, other fillers where
# possible). NEVER use these templates or fillers for training, dev or calibration.
# ============================================================================================

_TEST_COMMON = _slots("""
name: Ishaan | Beatriz | Klaus | Margaux | Tomás | Yuki | Fatima | Ingrid | Rafael | Amélie | Dmitri | Zoe | Kwame | Leonie
nick: Jojo | Bear | Kiki | Ace | Red | Pipo
app: Signal | Viber | WeChat | Instagram
""")

_TEST_GENERIC = _templates("""
person           | {lead} {p_core}
person           | {p_core} {tail}
person           | {situ} {p_core}
person LOW       | {p_core}
person CAPS *6   | {p_core}
person compl     | {situ} {x_core} {p_core}
voice            | {lead} {v_core}
voice            | {v_core} {tail}
voice            | {situ} {v_core}
voice LOW        | {v_core}
sms              | {lead} {s_core}
sms              | {s_core} {tail}
sms              | {situ} {s_core}
sms LOW          | {s_core}
email            | {lead} {e_core}
email            | {e_core} {tail}
email            | {situ} {e_core}
email LOW        | {e_core}
video            | {lead} {vid_core}
video            | {vid_core} {tail}
video            | {situ} {vid_core}
video LOW        | {vid_core}
msg              | {lead} {m_core}
msg              | {m_core} {tail}
msg              | {situ} {m_core}
msg LOW          | {m_core}
conn             | {lead} {c_core}
conn             | {c_core} {c_core}
conn LOW         | {c_core}
conn sms         | {c_core} {s_core}
conn voice       | {c_core} {v_core}
compl            | {lead} {x_core}
compl            | {situ} {x_core}
compl            | {x_core} {tail}
compl LOW        | {x_core}
compl CAPS *6    | {x_core}
msg compl        | {x_core} {m_core}
-                | {lead} {neg_core}
-                | {neg_core} {tail}
- *20            | {nsitu} {neg_q}
-                | {neg_core} {neg_core}
- LOW            | {neg_core}
- CAPS *8        | {neg_core}
""")

_TEST_SLOTS = {}
_TEST_EXTRA = {}

_TEST_SLOTS["en"] = _slots("""
lead: | good morning. | um, | listen, | quick question, | right, so | yo,
tail: | thank you so much. | if that's possible. | that would be great. | ta.
situ: the parcel for {order} was left at the wrong house. | my broadband keeps failing every evening.
    | the washing machine you installed is leaking. | you billed me for a subscription I cancelled.
    | my new card hasn't shown up. | the technician never turned up on {day}. | my account shows a balance I don't recognise.
day: Tuesday | Thursday | the 3rd
human: a staff member | an operator | a customer care advisor | somebody from support | one of your employees
    | a flesh and blood person | a consultant | a team member | a rep | a specialist | someone who works there
    | a living, breathing person | a real employee
boss: someone more senior | your team lead | the head of the department | whoever is in charge | your superior
    | your boss | a senior advisor
p_core: I need a word with {human}. | hand me over to {human}. | is anybody actually there? I want {human}.
    | would it be possible to chat with {human}? | I demand to speak with {boss}. | find me {human}, this bot can't help.
    | pass this on to {human}, please. | get {human} on this. | can you escalate me to {boss}? | {human}, now.
    | I'd like {human} to take over this conversation. | put {boss} on. | could you hand this chat to {human}?
    | is there any way to reach {human}? | you're a machine, right? I want {human} instead.
    | I'm not getting anywhere with you, I need {human}. | how do I get hold of {human}? | switch me to {human}.
    | let {human} handle this. | no more automated replies, give me {human}. | how come you won't put me through to {human}?
v_core: phone me at {phone}. | could you ring me back? | I'd appreciate a call on {phone}. | please give me a ring {when}.
    | I want you to call my mobile. | is a callback possible {when}? | dial me on {phone}, it's quicker.
    | can we switch to a phone conversation? | I'd rather chat over the phone, ring me. | reach me by phone at {phone}.
    | could you get back to me by phone? | please arrange a call back {when}. | my mobile is {phone}, give me a buzz.
when: this evening | before noon | on Wednesday | in 20 minutes | at your earliest convenience | after work
s_core: could you send that as a text? | please SMS the booking reference to {phone}. | a text would be better, {phone}.
    | message my mobile with the code, not email. | send the confirmation to my cell as a text.
    | can I get text alerts about {order}? | fire me off a text when the driver is close. | txt me pls.
    | send me an SMS reminder {when}. | let me know by text message.
e_core: could you put that in an email? | please write to me at {addr}. | send the paperwork to my inbox at {addr}.
    | I'd like an email confirmation of this. | can the invoice for {order} go to my email?
    | reply by email, I can't keep this chat open. | mail the details to {addr}. | email is best for me, {addr}.
    | can I have a written copy sent to my email address? | drop the receipt in my inbox.
vid_core: let's hop on a webcam chat. | can you Google Meet me {when}? | is a face-to-face call over camera possible?
    | I could point my camera at the router if we do a video session. | can we do Skype with video?
    | can we have a quick video meeting? | could you send a Teams video invite for {when}?
    | is there a video support option? I'd like one. | I'd like to show you the fault over a live video.
m_core: can you message me on {app}? | hit me up on {app}, {phone}. | I'd like to move this conversation to {app}.
    | do you do support over {app}? please contact me there. | reach me on {app} instead.
    | send the photos request to my {app}. | write to me on {app} later. | my {app} is {phone}, message me there {when}.
c_core: your audio is garbled. | I'm only getting every other word. | it went silent on your end.
    | the connection is really spotty. | you froze. | there's a lag, I'm hearing myself twice. | sorry, I lost you.
    | the signal is terrible on my side. | the sound keeps dropping. | I can't make out what you're saying, it's crackling.
    | did the line just go dead? | you sound like you're underwater. | we've been cut off twice now.
    | your voice is coming through all distorted.
x_core: frankly your company is a disgrace. | what a shambles. | I'm fed up with this outfit. | this is beyond pathetic.
    | honestly this firm is the pits. | nobody at your company seems to care. | I've never been treated this badly by a business.
    | I'd like to lodge a formal grievance. | this is the third time you've messed up my order.
    | how is it this hard to get a refund? | I'm fed up with your billing department.
    | this product broke after a day, it's junk. | your staff are rude and useless.
    | I'm raising a formal complaint about {order}. | shocking service from start to finish.
    | I'm appalled at how this has been handled. | I'll be leaving a one-star review.
neg_core: you may call me {nick}. | everybody calls me {nick}. | my nickname is {nick}.
    | I'm an insurance agent asking on behalf of a customer. | my account is personal, not a business one.
    | there's a typo in the text of your FAQ. | the camera on my phone stopped working, can I get it repaired?
    | I followed the video guide and it worked. | the email about my renewal said {date}, is that right?
    | the queue at the post office was huge. | it was human error, I entered the wrong card.
    | when does your phone support open? | where's my parcel {order}? | no need for a human, just give me the opening hours.
    | there's no need for a callback. | please don't send me texts. | you're doing great, I don't need a person.
    | my sister is going to phone me tonight. | the rep I had last week was really kind. | order me a pizza for {time}.
    | will it rain in {city} tomorrow? | book me a train to {city} on {date}. | put on some {genre}.
    | that's everything, cheers. | cool, thanks, bye. | I can't stand reality TV. | I'm gutted my team lost.
    | I am NOT asking for an agent. | stop offering me a call back, I don't want one.
    | can I change the phone number on file? | wake me up at {time}. | remind me to ring the dentist.
    | my boss wants the report by Friday. | the film last night was dreadful. | I'm feeling a bit down today.
    | is there a discount for students? | can I pick up my order in store? | the person at the front desk was lovely.
    | I called my bank earlier and it's sorted. | I'll send you an email with the photos.
    | I'm calling on behalf of my elderly mum. | my landlord never fixes anything, so annoying.
    | the line manager at my job signs off expenses. | can a person under 18 open an account?
    | do you sell phone cases? | what's the signal like in rural areas on your network?
    | my brother is a human rights lawyer. | I texted my neighbour to take the parcel in.
genre: blues | reggae | 90s pop | piano music
city: Lisbon | Osaka | Chicago | Nairobi
date: April 9th | the 22nd of June | next Friday
time: 8 pm | half past six | 6.45
nsitu: I'm thinking of switching to the family plan. | I'm planning a trip to {city} next month.
    | I just moved into a new flat. | I bought a gift card last week.
neg_q: is that something you can help with? | what are my options? | how does that work? | any tips?
""")

_TEST_EXTRA["en"] = _templates("""
person *1        | can i tlak to a staff member
person *1        | i want a reprsentative now
person *1        | get me a supervisr
person *1        | REAL HUMAN NEEDED
person *1        | pls someone who works there
person compl *1  | ths is a joke of a company, get me an employee
person compl *8  | {x_core} I'm done with the bot, find me {human}.
voice *1         | ring me
voice *1         | phone me asap
voice *8         | {name} speaking, could you ring me on {phone}?
sms *1           | txt plz
sms *8           | it's {name}, text {phone} with the code
email *1         | emial me the form
email *8         | I'm {name}, write to {addr} with the refund details
video *1         | webcam call?
msg *1           | signal me
conn *1          | ur audio is all garbled
conn *1          | HELLO?? I CAN'T HEAR ANYTHING
conn *8          | {name} again, we got cut off when I was reading out {order}
compl *1         | absolutely shocking service
compl *8         | {name} here, your handling of {order} has been a disgrace
- *1             | everybody calls me Jojo
- *1             | I'm not after a human, thanks
- *1             | I DO NOT WANT A CALLBACK
- *1             | why would I want to talk to a person? just answer the question
- *8             | this is {name}, {neg_core}
""")

_TEST_SLOTS["es"] = _slots("""
lead: | buenos días. | mire, | una consulta: | eh, | disculpe,
tail: | se lo agradezco. | si puede ser. | gracias por todo.
situ: el técnico no vino el {day}. | me llegó el paquete {order} roto. | me están cobrando una suscripción que cancelé.
    | la lavadora que instalaron pierde agua. | mi tarjeta nueva no ha llegado.
day: martes | jueves
human: un empleado | alguien del equipo de soporte | un trabajador de la empresa | una persona de carne y hueso
    | un especialista | alguien de su equipo | un gestor | un teleoperador
boss: su jefe | alguien con más autoridad | el jefe de departamento | el coordinador
p_core: ¿me pone con {human}? | quisiera que me atendiera {human}. | ¿hay forma de contactar con {human}?
    | exijo hablar con {boss}. | no me sirve un robot, páseme a {human}. | ¿puede derivar mi caso a {human}?
    | contigo no avanzo, necesito a {human}. | ¿cómo hago para hablar con {human}? | que se ponga {human}.
    | quisiera conversar con {human}. | ¿me deriva con {boss}? | déjeme con {human}, por favor.
    | ¿y no puedo hablar con {human}?
v_core: llámenme al {phone}. | ¿podrían telefonearme {when}? | prefiero una llamada al móvil. | ¿me hacen una llamada?
    | denme un toque al {phone}. | contácteme por teléfono, por favor. | quiero que me devuelvan la llamada {when}.
when: esta noche | antes del mediodía | el miércoles | en veinte minutos
s_core: ¿me lo envían por mensaje de texto al móvil? | mándenme el localizador por SMS. | prefiero recibir un SMS al {phone}.
    | avísenme con un SMS {when}. | escríbanme un SMS con el código. | quiero las alertas de {order} por SMS.
e_core: ¿me lo pueden poner por escrito en un email? | escríbanme a {addr}. | quiero la factura de {order} en mi correo.
    | manden la documentación a mi bandeja de entrada. | contéstenme por correo electrónico, por favor.
    | prefiero recibir un email en {addr}.
vid_core: ¿hacemos una videoconferencia? | ¿me pueden atender por cámara? | ¿podemos vernos por Google Meet {when}?
    | les enseño la avería por video si hacemos una llamada con cámara. | quiero una cita por videollamada.
    | ¿tienen soporte por video? me gustaría usarlo.
m_core: contáctenme por {app}. | ¿me escriben al {app}? | pasemos esta conversación a {app}.
    | mi {app} es el {phone}, escríbanme. | prefiero que me manden un mensaje por {app}.
c_core: el audio se oye distorsionado. | solo me llega una palabra de cada dos. | no se oye nada de su lado.
    | la conexión va fatal. | se ha quedado congelado. | hay retraso, me oigo dos veces. | perdone, le perdí.
    | tengo muy poca cobertura. | se escucha como si estuviera bajo el agua. | nos hemos cortado dos veces ya.
x_core: su empresa es un desastre. | vaya chapuza. | estoy hasta las narices de ustedes. | esto es patético.
    | nunca me habían tratado tan mal. | quiero presentar una hoja de reclamaciones.
    | es la tercera vez que se equivocan con mi pedido. | ¿por qué es tan difícil que me devuelvan el dinero?
    | sus empleados son unos maleducados. | este producto se rompió al día siguiente, es una basura.
    | pienso dejarles una reseña de una estrella.
neg_core: todos me dicen {nick}. | mi apodo es {nick}. | soy agente de seguros y pregunto por un cliente.
    | es una cuenta personal, no de empresa. | hay una errata en el texto de la web.
    | se me rompió la cámara del móvil, ¿la reparan? | seguí el video explicativo y funcionó. | había mucha cola en correos.
    | ¿a qué hora abre el servicio telefónico? | ¿dónde está mi paquete {order}? | no hace falta un humano, solo quiero el horario.
    | no es necesario que me devuelvan la llamada. | por favor, no me manden SMS. | lo haces muy bien, no necesito a nadie más.
    | mi hermana me va a llamar esta noche. | el chico que me atendió la semana pasada fue muy amable.
    | pídeme una pizza para las {time}. | ¿va a llover mañana en {city}? | sácame un billete de tren a {city} para el {date}.
    | ponme un poco de {genre}. | eso es todo, hasta luego. | no soporto los realities. | estoy de bajón porque perdió mi equipo.
    | que NO quiero un agente. | mi jefe quiere el informe para el viernes. | ¿hay descuento para estudiantes?
    | ¿puedo recoger el pedido en tienda? | le enviaré un correo con las fotos. | llamo de parte de mi madre.
    | mi casero nunca arregla nada, qué pesado. | ¿venden fundas para el móvil?
time: 20:30 | 22:00 | 19:15
city: Valencia | Quito | Montevideo | Granada
date: 9 de abril | 22 de junio | próximo viernes
genre: boleros | reguetón | flamenco
nsitu: estoy pensando en pasarme a la tarifa familiar. | me voy de viaje a {city} el mes que viene. | acabo de mudarme.
    | compré una tarjeta regalo la semana pasada.
neg_q: ¿qué opciones tengo? | ¿cómo funciona eso? | ¿me da algún consejo?
""")

_TEST_SLOTS["de"] = _slots("""
lead: | guten Morgen. | hören Sie, | kurze Frage: | äh, | entschuldigen Sie,
tail: | das wäre nett. | wenn das geht. | besten Dank.
situ: der Techniker ist am {day} nicht gekommen. | das Paket {order} kam beschädigt an.
    | Sie buchen ein Abo ab, das ich gekündigt habe. | die Waschmaschine, die Sie installiert haben, ist undicht.
    | meine neue Karte ist nicht angekommen.
day: Dienstag | Donnerstag
human: einem Angestellten | jemandem aus dem Support | einer realen Person | einem Fachmann | jemandem aus Ihrem Team
    | einem Sachbearbeiter | einem Menschen aus Fleisch und Blut | einem Kollegen von Ihnen
human_acc: einen Angestellten | jemanden aus dem Support | eine reale Person | einen Sachbearbeiter | einen Fachmann
human_nom: ein Angestellter | jemand aus dem Support | eine reale Person | ein Sachbearbeiter
boss_acc: Ihren Chef | jemanden mit mehr Befugnissen | die Abteilungsleitung
p_core: ich hätte gern mit {human} gesprochen. | geben Sie mich bitte an {human_acc} weiter. | ich verlange {boss_acc}.
    | mit Ihnen komme ich nicht weiter, ich brauche {human_acc}. | wie erreiche ich {human_acc}?
    | kann das bitte {human_nom} übernehmen? | sind Sie ein Bot? dann will ich {human_acc}.
    | übergeben Sie das Gespräch an {human_acc}. | schalten Sie {human_acc} dazu.
    | keine automatischen Antworten mehr, ich will {human_acc}. | gibt es eine Möglichkeit, mit {human} zu sprechen?
    | warum kann ich nicht einfach mit {human} reden?
v_core: rufen Sie mich unter {phone} an. | ein Anruf wäre mir lieber. | könnten Sie mich {when} telefonisch kontaktieren?
    | melden Sie sich telefonisch bei mir. | bitte um Rückruf {when}. | klingeln Sie kurz bei mir durch, {phone}.
    | können wir das am Telefon besprechen? rufen Sie mich zurück.
when: heute Abend | vor zwölf | am Mittwoch | in zwanzig Minuten
s_core: schicken Sie mir eine Textnachricht. | den Buchungscode bitte per SMS an {phone}. | eine SMS wäre mir am liebsten.
    | benachrichtigen Sie mich per Kurznachricht {when}. | ich möchte SMS-Benachrichtigungen zu {order}.
    | simsen Sie mir das bitte.
e_core: schreiben Sie mir an {addr}. | können Sie mir das schriftlich mailen? | die Unterlagen bitte an mein Postfach {addr}.
    | ich hätte gern eine Bestätigung per Mail. | antworten Sie mir per E-Mail. | die Rechnung zu {order} bitte per E-Mail.
vid_core: machen wir eine Videokonferenz? | können wir über Google Meet sprechen, {when}?
    | ich zeige Ihnen den Schaden per Kamera, wenn wir videotelefonieren. | gibt es Video-Support? den hätte ich gern.
    | ich möchte einen Termin per Videochat.
m_core: kontaktieren Sie mich über {app}. | schreiben Sie mir bei {app}. | lassen Sie uns das auf {app} verlegen.
    | meine {app}-Nummer: {phone}, schreiben Sie mir dort. | eine Nachricht über {app} wäre mir lieber.
c_core: der Ton ist total verzerrt. | ich bekomme nur jedes zweite Wort mit. | bei Ihnen ist es still geworden.
    | die Verbindung ist sehr wackelig. | Sie sind eingefroren. | es gibt eine Verzögerung, ich höre mich doppelt.
    | Entschuldigung, ich habe Sie verloren. | ich habe kaum Empfang. | Sie klingen wie unter Wasser.
    | wir wurden schon zweimal getrennt.
x_core: Ihre Firma ist ein Saftladen. | was für ein Chaos. | ich habe die Nase voll von Ihnen. | das ist erbärmlich.
    | so schlecht wurde ich noch nie behandelt. | ich lege offiziell Beschwerde ein.
    | zum dritten Mal vermasseln Sie meine Bestellung. | warum ist es so schwer, mein Geld zurückzubekommen?
    | Ihre Mitarbeiter sind unhöflich. | das Gerät war nach einem Tag kaputt, Schrott. | dafür gibt es eine Ein-Stern-Bewertung.
neg_core: alle sagen {nick} zu mir. | mein Spitzname ist {nick}. | ich bin Handelsvertreter und frage für einen Kunden.
    | das ist ein Privatkonto, kein Firmenkonto. | im Text Ihrer FAQ ist ein Tippfehler.
    | die Kamera meines Handys geht nicht mehr, reparieren Sie das? | ich habe die Videoanleitung befolgt und es hat geklappt.
    | die Schlange bei der Post war riesig. | wann ist Ihre Telefon-Hotline erreichbar? | wo ist mein Paket {order}?
    | kein Mensch nötig, nennen Sie mir nur die Öffnungszeiten. | ein Rückruf ist nicht nötig.
    | bitte schicken Sie mir keine SMS. | Sie machen das super, ich brauche keinen Angestellten.
    | meine Schwester ruft mich heute Abend an. | der Berater letzte Woche war sehr freundlich.
    | bestell mir eine Pizza für {time}. | regnet es morgen in {city}? | buch mir einen Zug nach {city} am {date}.
    | mach mal {genre} an. | das war alles, schönen Tag noch. | Realityshows kann ich nicht ausstehen.
    | ich bin geknickt, mein Verein hat verloren. | ich will KEINEN Sachbearbeiter. | mein Chef will den Bericht bis Freitag.
    | gibt es Studentenrabatt? | kann ich die Bestellung im Laden abholen? | ich schicke Ihnen eine E-Mail mit den Fotos.
    | ich rufe im Auftrag meiner Mutter an. | mein Vermieter repariert nie etwas, nervig. | verkaufen Sie Handyhüllen?
time: 20:30 Uhr | zehn Uhr | 19:15 Uhr
city: Köln | Leipzig | Graz | Basel
date: 9. April | 22. Juni | nächsten Freitag
genre: Blues | Reggae | Klaviermusik
nsitu: ich überlege, in den Familientarif zu wechseln. | ich verreise nächsten Monat nach {city}. | ich bin gerade umgezogen.
    | ich habe letzte Woche einen Gutschein gekauft.
neg_q: welche Möglichkeiten habe ich? | wie funktioniert das? | haben Sie einen Tipp?
""")

_TEST_SLOTS["fr"] = _slots("""
lead: | bonjour madame. | écoutez, | petite question : | euh, | pardon,
tail: | ce serait gentil. | si c'est possible. | merci bien.
situ: le technicien n'est pas venu {day}. | le colis {order} est arrivé abîmé.
    | vous me prélevez un abonnement que j'ai résilié. | le lave-linge que vous avez installé fuit.
    | ma nouvelle carte n'est jamais arrivée.
day: mardi | jeudi
human: un employé | quelqu'un du support | une personne en chair et en os | un spécialiste | quelqu'un de votre équipe
    | un interlocuteur humain | un collaborateur | un téléconseiller
boss: votre chef | quelqu'un de plus haut placé | le chef de service
p_core: je souhaiterais m'entretenir avec {human}. | redirigez-moi vers {human}. | j'exige de parler à {boss}.
    | avec vous je n'avance pas, il me faut {human}. | comment je fais pour joindre {human} ?
    | vous êtes un robot ? alors je veux {human}. | confiez mon dossier à {human}.
    | plus de réponses automatiques, donnez-moi {human}. | y a-t-il moyen d'échanger avec {human} ?
    | pourquoi je ne peux pas simplement parler à {human} ? | faites venir {human}, svp.
v_core: téléphonez-moi au {phone}. | un appel m'arrangerait. | vous pourriez me contacter par téléphone {when} ?
    | passez-moi un coup de fil. | je demande à être rappelé {when}. | on peut voir ça au téléphone ? rappelez-moi.
when: ce soir | avant midi | mercredi | dans vingt minutes
s_core: envoyez-moi un message texte. | la référence par SMS au {phone}, svp. | un SMS serait l'idéal.
    | prévenez-moi par SMS {when}. | je veux les alertes SMS pour {order}. | envoyez-moi un petit texto.
e_core: écrivez-moi à {addr}. | vous pouvez me mettre ça par écrit dans un mail ? | les documents dans ma boîte mail, {addr}.
    | je voudrais une confirmation par courriel. | répondez-moi par e-mail. | la facture de {order} par mail, svp.
vid_core: on fait une visioconférence ? | on peut se voir sur Google Meet {when} ?
    | je vous montre la panne à la caméra si on fait une visio. | vous avez un support vidéo ? j'aimerais en profiter.
    | je voudrais un rendez-vous en vidéo.
m_core: contactez-moi via {app}. | écrivez-moi sur {app} plutôt. | passons cette conversation sur {app}.
    | mon {app} : {phone}, écrivez-moi. | un message sur {app} m'arrangerait.
c_core: le son est déformé. | je n'entends qu'un mot sur deux. | plus rien de votre côté. | la connexion est très instable.
    | vous êtes figé. | il y a un décalage, je m'entends en double. | pardon, je vous ai perdu. | je capte très mal.
    | on dirait que vous parlez sous l'eau. | on a été coupés deux fois déjà.
x_core: votre boîte est une catastrophe. | quel bazar. | j'en ai ras le bol de vous. | c'est pathétique.
    | on ne m'a jamais aussi mal traité. | je dépose une réclamation officielle.
    | c'est la troisième fois que vous vous trompez dans ma commande. | pourquoi c'est si compliqué d'être remboursé ?
    | votre personnel est impoli. | l'appareil a lâché au bout d'un jour, c'est de la camelote.
    | je vais vous mettre une étoile sur les avis.
neg_core: tout le monde m'appelle {nick}. | mon surnom, c'est {nick}. | je suis agent d'assurance et je me renseigne pour un client.
    | c'est un compte perso, pas pro. | il y a une faute dans le texte de la FAQ.
    | l'appareil photo de mon téléphone ne marche plus, vous le réparez ? | j'ai suivi le guide vidéo et ça a marché.
    | la queue à la poste était énorme. | à quelle heure ouvre l'assistance téléphonique ? | où est mon colis {order} ?
    | pas besoin d'un humain, donnez-moi juste les horaires. | inutile de me rappeler. | merci de ne pas m'envoyer de SMS.
    | vous vous débrouillez bien, pas besoin de quelqu'un d'autre. | ma sœur doit m'appeler ce soir.
    | le conseiller de la semaine dernière était adorable. | commande-moi une pizza pour {time}.
    | il va pleuvoir demain à {city} ? | réserve-moi un train pour {city} le {date}. | mets un peu de {genre}.
    | c'est tout, bonne journée. | je ne supporte pas la téléréalité. | je suis dégoûté, mon équipe a perdu.
    | je ne veux PAS d'agent. | mon patron veut le rapport pour vendredi. | il y a une réduction étudiante ?
    | je peux retirer ma commande en magasin ? | je vous enverrai un mail avec les photos. | j'appelle de la part de ma mère.
    | mon propriétaire ne répare jamais rien, c'est pénible. | vous vendez des coques de téléphone ?
time: 20 h 30 | 22 h | 19 h 15
city: Toulouse | Genève | Nantes | Dakar
date: 9 avril | 22 juin | vendredi prochain
genre: blues | musique de piano | chanson française
nsitu: je pense passer au forfait famille. | je pars à {city} le mois prochain. | je viens de déménager.
    | j'ai acheté une carte cadeau la semaine dernière.
neg_q: quelles sont mes options ? | comment ça marche ? | vous avez un conseil ?
""")

_TEST_SLOTS["pt"] = _slots("""
lead: | bom dia. | olha só, | uma dúvida: | é..., | desculpa,
tail: | agradeço. | se for possível. | valeu mesmo.
situ: o técnico não apareceu na {day}. | o pacote {order} chegou amassado. | vocês estão cobrando uma assinatura que eu cancelei.
    | a máquina de lavar que vocês instalaram está vazando. | meu cartão novo não chegou.
day: terça | quinta
human: um funcionário | alguém do suporte | uma pessoa de carne e osso | um especialista | alguém da equipe de vocês
    | um colaborador | um analista
boss: o chefe de vocês | alguém com mais autoridade | o coordenador
p_core: gostaria de conversar com {human}. | encaminha meu caso para {human}. | exijo falar com {boss}.
    | com você não tá dando, preciso de {human}. | como faço pra falar com {human}? | você é robô? então quero {human}.
    | passa a conversa pra {human}. | chega de resposta automática, quero {human}. | tem como falar com {human}?
    | por que eu não consigo falar com {human}? | chama {human} aí, por favor.
v_core: me telefona no {phone}. | uma ligação seria melhor. | vocês podem entrar em contato por telefone {when}?
    | me dá um toque no celular. | quero um retorno por telefone {when}. | dá pra resolver por telefone? me retorna a ligação.
when: hoje à noite | antes do meio-dia | na quarta | daqui a vinte minutos
s_core: me manda uma mensagem de texto. | manda o código da reserva por SMS pro {phone}. | um SMS seria o ideal.
    | me avisa por SMS {when}. | quero alertas por SMS do pedido {order}. | manda um SMS pro meu celular.
e_core: escreve pra mim no {addr}. | pode colocar isso por escrito num e-mail? | manda os documentos pra minha caixa de entrada, {addr}.
    | quero uma confirmação por e-mail. | me responde por e-mail. | a nota do pedido {order} por e-mail, por favor.
vid_core: vamos fazer uma videoconferência? | dá pra conversar pelo Google Meet {when}?
    | te mostro o defeito pela câmera se a gente fizer uma chamada de vídeo. | vocês têm atendimento por vídeo? quero usar.
    | quero agendar um atendimento por vídeo.
m_core: entra em contato pelo {app}. | me escreve no {app}. | vamos passar essa conversa pro {app}.
    | meu {app}: {phone}, me manda mensagem lá. | prefiro receber mensagem pelo {app}.
c_core: o áudio tá distorcido. | só tô ouvindo uma palavra sim, outra não. | ficou mudo do seu lado.
    | a conexão tá muito instável. | travou tudo. | tem atraso, tô me ouvindo duas vezes. | desculpa, te perdi.
    | meu sinal tá muito fraco. | parece que você tá falando debaixo d'água. | a gente já caiu duas vezes.
x_core: essa empresa é uma bagunça. | que palhaçada. | tô de saco cheio de vocês. | isso é patético.
    | nunca fui tão mal tratado. | vou registrar uma reclamação formal. | é a terceira vez que vocês erram meu pedido.
    | por que é tão difícil receber meu dinheiro de volta? | os funcionários de vocês são grossos.
    | o aparelho quebrou em um dia, é lixo. | vou deixar uma avaliação de uma estrela.
neg_core: todo mundo me chama de {nick}. | meu apelido é {nick}. | sou corretor de seguros e estou perguntando por um cliente.
    | é uma conta pessoal, não empresarial. | tem um erro de digitação no texto do FAQ.
    | a câmera do meu celular parou, vocês consertam? | segui o guia em vídeo e deu certo. | a fila nos correios estava gigante.
    | que horas abre o atendimento por telefone? | cadê meu pacote {order}? | não precisa de humano, só me passa o horário.
    | não precisa retornar a ligação. | por favor, não me mandem SMS. | você está indo bem, não preciso de outra pessoa.
    | minha irmã vai me ligar hoje à noite. | o consultor da semana passada foi um amor. | pede uma pizza pra mim pras {time}.
    | vai chover amanhã em {city}? | compra uma passagem de trem pra {city} no dia {date}. | coloca um {genre}.
    | é isso, bom dia pra você. | não suporto reality show. | tô chateado, meu time perdeu. | eu NÃO quero um atendente.
    | meu chefe quer o relatório até sexta. | tem desconto pra estudante? | posso retirar o pedido na loja?
    | vou te mandar um e-mail com as fotos. | estou ligando em nome da minha mãe. | meu síndico nunca conserta nada, que chato.
    | vocês vendem capinha de celular?
time: 20h30 | 22h | 19h15
city: Salvador | Belém | Coimbra | Manaus
date: 9 de abril | 22 de junho | próxima sexta
genre: forró | pagode | bossa nova
nsitu: estou pensando em mudar pro plano família. | vou viajar pra {city} mês que vem. | acabei de me mudar.
    | comprei um vale-presente semana passada.
neg_q: quais são as minhas opções? | como isso funciona? | tem alguma dica?
""")

_TEST_CAPS = {
    "en": {"person": 5, "voice": 7, "sms": 7, "email": 7, "video": 8, "messaging": 7,
           "connection_trouble": 7, "complaint": 3, "multi": 8, "-": 70},
    "xx": {"person": 5, "voice": 6, "sms": 6, "email": 9, "video": 9, "messaging": 6,
           "connection_trouble": 6, "complaint": 3, "multi": 8, "-": 55},
}
# ============================================================================================
# end of TEST FAMILY
# ============================================================================================


def _train_order(rng):
    return rng.choice(("#", "", "A")) + str(rng.randint(10000, 99999))


def _train_phone(rng):
    return rng.choice((
        lambda: f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        lambda: f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        lambda: f"555-01{rng.randint(10, 99)}",
    ))()


def _test_order(rng):
    return rng.choice((
        lambda: f"RX-{rng.randint(1000, 9999)}{rng.choice('QWTZ')}",
        lambda: f"{rng.randint(2019, 2025)}/{rng.randint(10000, 99999)}",
    ))()


def _test_phone(rng):
    return rng.choice((
        lambda: f"({rng.randint(200, 989)}) 555-01{rng.randint(10, 99)}",
        lambda: f"+351 9{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
    ))()


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _address(names, domains, digits):
    def make(rng):
        local = _ascii(rng.choice(names)) + rng.choice((".", "_", "")) + _ascii(rng.choice(names))
        return local + (str(rng.randint(1, 99)) if digits else "") + "@" + rng.choice(domains)
    return make


_GENERATED = {
    "train": {
        "order": _train_order, "phone": _train_phone, "digits": lambda rng: str(rng.randint(1000, 9999)),
        "addr": _address(_TRAIN_COMMON["name"], ("gmail.com", "example.com", "mail.com"), False),
    },
    "test": {
        "order": _test_order, "phone": _test_phone,
        "addr": _address(_TEST_COMMON["name"], ("outlook.com", "proton.me", "web.de"), True),
    },
}

_FAMILIES = {
    "train": (_TRAIN_COMMON, _TRAIN_SLOTS, _TRAIN_GENERIC, _TRAIN_EXTRA, _TRAIN_CAPS),
    "test": (_TEST_COMMON, _TEST_SLOTS, _TEST_GENERIC, _TEST_EXTRA, _TEST_CAPS),
}


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


def _fill(template: str, family: str, slots: dict, rng: random.Random) -> str:
    """Replaces {slots} (recursively); repeated slots in one text get different values."""
    used = {}

    def pick(match):
        name = match.group(1)
        if name in _GENERATED[family]:
            return _GENERATED[family][name](rng)
        values = slots[name]
        fresh = [v for v in values if v not in used.setdefault(name, set())] or list(values)
        value = rng.choice(fresh)
        used[name].add(value)
        return value

    text = template
    for _ in range(5):
        text, count = re.subn(r"\{(\w+)\}", pick, text)
        if not count:
            return text
    raise ValueError(f"slots nested too deep in {template!r}")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ([,.])", r"\1", text)
    return re.sub(r"(^|[.!?] )([¿¡\"(]*)(\w)", lambda m: m.group(1) + m.group(2) + m.group(3).upper(), text)


def _style(text: str, style) -> str:
    if style == "CAPS":
        return text.upper()
    if style == "LOW":
        text = re.sub(r"[.,!?¿¡;:]+(?=\s|$)|^[¿¡]|(?<=\s)[¿¡]", "", text.lower())
        return re.sub(r"\s+", " ", text).strip()
    return text


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    w = words[i]
    j = rng.randrange(len(w) - 1)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def _noisy(text: str, lang: str, rng: random.Random) -> str:
    """Train-only augmentation: case, punctuation, a typo, a filler prefix or suffix."""
    prefixes, suffixes = _NOISE[lang]
    t = text
    if rng.random() < 0.4:
        t = t.lower()
    if rng.random() < 0.4:
        t = t.rstrip(".!?。 ")
    if rng.random() < 0.25:
        t = _typo(t, rng)
    if rng.random() < 0.2:
        t = rng.choice(prefixes) + " " + (t[:1].lower() + t[1:] if not t.startswith("I ") else t)
    if rng.random() < 0.2:
        s = rng.choice(suffixes)
        t = t.rstrip(".!? ") + s if s.startswith(("!", "?")) else t + " " + s
    if rng.random() < 0.04:
        t = t.upper()
    return t if t != text else text.lower().rstrip(".!? ")


def _expand(family: str, lang: str, rng: random.Random) -> list:
    common, lang_slots, generic, extra, caps = _FAMILIES[family]
    slots = {**common, **lang_slots[lang]}
    cap_table = caps["en" if lang == "en" else "xx"]
    out = []
    for labels, template, cap, style in generic + extra.get(lang, ()):
        key = "-" if not labels else labels[0] if len(labels) == 1 else "multi"
        limit = cap if cap is not None else cap_table[key]
        texts = []
        for _ in range(limit * 6):
            if len(texts) >= limit:
                break
            text = _style(_tidy(_fill(template, family, slots, rng)), style)
            if text not in texts:
                texts.append(text)
        if family == "train":
            extra_copies = 3 if len(texts) < 4 else 1
            for text in list(texts):
                for _ in range(extra_copies):
                    if extra_copies > 1 or rng.random() < NOISE_RATE:
                        texts.append(_noisy(text, lang, rng))
        out.extend((lang, text, labels) for text in texts)
    return out


def _key(text: str) -> str:
    """Normalised text: compared across splits so test never leaks into train/dev."""
    return re.sub(r"[\W_]+", "", text.lower())


def _dedupe(rows: list, conflicts: list) -> list:
    seen, out = {}, []
    for lang, text, labels in rows:
        k = (lang, text)
        if k in seen:
            if set(seen[k]) != set(labels):
                conflicts.append((lang, text, seen[k], labels))
            continue
        seen[k] = labels
        out.append((lang, text, labels))
    return out


def _targets(labels) -> list:
    return [1.0 if name in labels else 0.0 for name in INTENTS]


@functools.lru_cache(maxsize=4)
def _build(seed: int) -> dict:
    rng = random.Random(seed)
    conflicts = []
    test = _dedupe([row for lang in _LANGUAGES for row in _expand("test", lang, rng)], conflicts)
    test_keys = {_key(text) for _, text, _ in test}
    calibration = _dedupe([r for lang in _LANGUAGES for r in phrasings.read("calibration", lang, _CODES)], conflicts)
    calibration = [r for r in calibration if _key(r[1]) not in test_keys]
    held_out = test_keys | {_key(text) for _, text, _ in calibration}
    splits = {"train": [], "dev": [], "test": test, "calibration": calibration}
    for lang in _LANGUAGES:
        rows = _dedupe(_expand("train", lang, rng), conflicts)
        rows = [r for r in rows if _key(r[1]) not in held_out]
        by_labels = {}
        for row in rows:  # stratified by label set, so dev mirrors train
            by_labels.setdefault(tuple(sorted(row[2])), []).append(row)
        for group in by_labels.values():
            rng.shuffle(group)
            n_dev = round(len(group) * DEV_FRACTION)
            splits["dev"] += group[:n_dev]
            splits["train"] += group[n_dev:]
        written = _dedupe(phrasings.read("train", lang, _CODES), conflicts)
        written = [r for r in written if _key(r[1]) not in held_out]
        noisy = [(l, _noisy(t, l, rng), labels) for l, t, labels in written]  # weighs the writer's variety up
        known = {text for _, text, _ in splits["train"] + splits["dev"]}
        splits["train"] += [r for r in _dedupe(written + noisy, conflicts) if r[1] not in known]
    # Texts any other split holds are dropped from check, so check stays unseen by every model.
    seen = held_out | {_key(text) for name in ("train", "dev") for _, text, _ in splits[name]}
    check = _dedupe([r for lang in _LANGUAGES for r in phrasings.read("check", lang, _CODES)], conflicts)
    splits["check"] = [r for r in check if _key(r[1]) not in seen]
    for name in SPLITS:
        rng.shuffle(splits[name])
    splits["conflicts"] = conflicts
    return splits


def examples(split: str, seed: int = 13) -> list:
    """[(language, text, targets)] of "train", "dev", "test", "calibration" or "check" (phrasings.py);
    targets aligned with INTENTS."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    return [(lang, text, _targets(labels)) for lang, text, labels in _build(seed)[split]]


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _report(seed: int = 13) -> bool:
    data = {split: examples(split, seed) for split in SPLITS}
    short = ("person", "voice", "sms", "email", "video", "msg", "conn", "compl")
    ok = True
    for split, rows in data.items():
        print(f"\n== {split}: {len(rows)} examples")
        print(f"{'lang':5}{'total':>7}" + "".join(f"{s:>8}" for s in short) + f"{'neg':>7}{'multi':>7}")
        for lang in _LANGUAGES:
            mine = [t for l, _, t in rows if l == lang]
            pos = [int(sum(t[k] for t in mine)) for k in range(len(INTENTS))]
            neg = sum(1 for t in mine if not any(t))
            multi = sum(1 for t in mine if sum(t) > 1)
            print(f"{lang:5}{len(mine):>7}" + "".join(f"{p:>8}" for p in pos) + f"{neg:>7}{multi:>7}")
            if split != "check" and neg < len(mine) - neg:  # check is kept as its writers wrote it
                print(f"   ! {split}/{lang}: fewer negatives ({neg}) than positives ({len(mine) - neg})")
                ok = False
            if split == "train" and lang == "en" and min(pos) < 300:
                print(f"   ! train/en: an intent has < 300 positives")
                ok = False
            if split == "train" and lang != "en" and pos[0] < 200:
                print(f"   ! train/{lang}: person has < 200 positives")
                ok = False
            if split == "test" and min(pos) < 30:
                print(f"   ! test/{lang}: an intent has < 30 positives")
                ok = False
        neg_share = sum(1 for _, _, t in rows if not any(t)) / max(1, len(rows))
        print(f"   negatives: {neg_share:.0%}")

    for split, rows in data.items():
        texts = [(l, x) for l, x, _ in rows]
        if len(texts) != len(set(texts)):
            print(f"! duplicates inside {split}")
            ok = False
    for held_out in ("test", "calibration", "check"):
        keys = {_key(x) for _, x, _ in data[held_out]}
        leaks = [x for s in ("train", "dev") for _, x, _ in data[s] if _key(x) in keys]
        exact = {x for _, x, _ in data[held_out]} & {x for s in ("train", "dev") for _, x, _ in data[s]}
        print(f"\n{held_out} texts in train/dev: exact {len(exact)}, normalised {len(leaks)}")
        ok &= not leaks and not exact
    conflicts = _build(seed)["conflicts"]
    print(f"same text with different labels: {len(conflicts)}")
    for c in conflicts[:10]:
        print("   ", c)
    ok &= not conflicts

    rng = random.Random(seed)
    for split in ("train", "test"):
        print(f"\n-- samples from {split}")
        for lang, text, t in rng.sample(data[split], 14):
            labels = [short[k] for k in range(len(INTENTS)) if t[k]] or ["-"]
            print(f"  {lang} {'+'.join(labels):14} {text}")
    print("\nALL CHECKS PASS" if ok else "\nSOME CHECKS FAIL")
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if _report() else 1)
