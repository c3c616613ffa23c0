"""Language detection for incoming WhatsApp/SMS messages.

``detect`` returns one of four codes (a contract shared with the rest of the bot):
``fr`` French, ``ar`` Modern Standard Arabic, ``ary`` Moroccan Darija in Arabic script and
``ary_Latn`` Darija in Latin script (Arabizi).

How it decides, cheapest and surest evidence first:

1. Script: Arabic-script words against Latin-script words. Greetings and thanks that every
   variety uses ("salam", "merci", "ok", "شكرا") are neutral and count for nothing.
2. Within a script, weighted marker words (function words and frequent verbs weigh most,
   because the grammar words tell the language of a code-mixed message while borrowed nouns
   do not), Darija morphology (ma...ch negation, ka-/gha- verb prefixes, the l- article glued
   to a noun, Arabizi digit-letters such as 3, 7, 9), then a small character n-gram naive Bayes
   model, trained at import time on the same word lists, for words no list knows.
3. Too little evidence: the caller's ``default`` (the beneficiary's last language) wins when
   it is written in the same script; otherwise the variety the evidence leans to.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

__all__ = ["LANGUAGES", "detect"]

LANGUAGES: tuple[str, ...] = ("fr", "ar", "ary", "ary_Latn")

# Only the start of a message is read: enough to decide, and it bounds the cost of huge input.
MAX_CHARS = 500
# A side needs this much evidence, and this much lead over the other side, to win on its own.
MIN_EVIDENCE = 1.0
MIN_MARGIN = 0.5
# Weight of the n-gram model's opinion on one unknown word (a list word weighs 0.5 to 2).
NB_WEIGHT = 0.6
# Darija messages nearly always carry a Darija grammar word, so an Arabic-script word that
# nothing marks leans a little to MSA: a long message without any marker is MSA.
UNMARKED_AR_LEAN = 0.2

STRONG, MEDIUM, WEAK = 2.0, 1.2, 0.5

# --------------------------------------------------------------------------------------------
# Latin script: French
# --------------------------------------------------------------------------------------------

# Grammar words and SMS abbreviations: they set the language of a sentence.
_FR_STRONG = """
je tu il ils elle elles nous vous est suis sommes etes sont etait etais serai serait sera
ai avez avons ont aurai aurais veux voudrais voulais voulez voulons veut peux pouvez peut
pourrais pourriez pourrait pouvons dois doit devez faut ne pas plus jamais rien que qui quoi
quand comment pourquoi combien quel quelle quels quelles avec pour dans sur chez sans depuis
pendant apres avant mais donc car parce puisque alors aussi encore deja toujours tres trop
beaucoup cette ces cet mon mes ton tes son ses notre nos votre vos leur leurs moi toi lui eux
meme quelque quelques chaque tous toutes des les le du au aux une un de et qu ceci cela
svp stp bjr bsr slt jsp pk pq pcq psk bcp tkt dsl mdr jpp jpeux jveux chui jsuis jss jsui koi
ke qd qnd cmt tjr tjrs ns vs pr ds dc jai cest sais connais aujourd hui bonjour bonsoir
madame monsieur mademoiselle excusez desole desolee voudrions souhaite souhaiterais aimerais
pouvoir vouloir voila voici
"""

_FR_MEDIUM = """
c j m n s y ce ca va vas vais allez aller faire fais fait faites avoir etre ete envoyer envoye
envoyee envoyez envoie envoi recu recue recois appeler appelle appele rappeler rappelez savoir
sait comprends compris comprendre cherche cherchez chercher trouve trouver trouvez travaille
travailler venir viens vient venu venue partir parti rester reste donner donnez donne demande
demander demandez attends attendre attendu parler parle parlez repondre repondu repondez
reponse payer paye gratuit gratuite gratuites payant payante disponible interessee interesse
commencer commence commencent finir fini termine changer change annuler confirmer confirme
expliquer explique aider aidez aide ouvrir ouvert ouverte ouverts fermer ferme perdu oublie
arrive arriver manque marche encore demain hier soir matin midi semaine mois annee jour jours
heure heures temps maintenant bientot tard tot ici bas chose quelqu personne femme femmes mari
enfant enfants fille filles fils maison famille mere pere soeur frere amie ami gens
merci beaucoup infiniment remercie bonne bon bien mieux mal petit petite grand grande nouveau
nouvelle dernier derniere prochain prochaine premier premiere possible besoin envie
tout toute rien autre autres plusieurs certain peu assez combien ou la-bas
inscrire inscris inscrit inscrite inscrits participer participe pense penser crois sais
connaitre habite habiter vendre acheter ouvrir creer cree apprendre appris lire ecrire
oui non sur sure juste seulement vraiment exactement surtout rapidement plutot quand
lundi mardi mercredi jeudi vendredi samedi dimanche matinee journee soiree nuit
"""

# Nouns that Darija speakers also borrow ("bghit formation f couture"): weak French evidence.
_FR_WEAK = """
formation formations inscription dossier numero bureau conseillere conseiller rdv rendez
telephone message messages credit compte couture patisserie coiffure cuisine informatique
localisation connexion vocal lien infos info carte projet entreprise cooperative association
attestation diplome stage salaire contrat travail emploi programme centre agence reunion
atelier photo copie papier papiers document documents formulaire adresse date horaires
application reseau ordinateur boutique local magasin commerce marche produit produits client
clients vente cours classe ecole universite certificat financement microcredit banque argent
prix cout frais gestion marketing comptabilite secretariat esthetique couturiere
entretien emploi metier experience competences niveau age ville quartier region
"""

# Extra French vocabulary: weak evidence and material for the n-gram model.
_FR_VOCAB = """
probleme question questions solution aide besoin possible impossible important urgent facile
difficile content contente heureuse heureux fatiguee malade occupee libre pret prete
maintenue entendu accord rappel patience gentil gentille retard attente enregistrement
veuillez pouvons devons savons voulions voulait pouvait devait fallait aurait serions
envoyons recevoir recevez ramener amener emmener accompagner chercherai viendrai pourrai
ferai serai irai aurai dirai verrai prendrai payerai finirai commencerai travaillerai
regarder regarde voir vu vois dire dit dis mettre mis prendre pris sortir sorti entrer
nouvelles details information informations renseignements explication conditions
inscriptions horaire lieu endroit adresse exacte transport transports rembourse remboursement
avenir enfance jeunesse vieillesse chomage retraite couture broderie tissage tapis poterie
coiffeuse estheticienne cuisiniere vendeuse secretaire infirmiere aide-soignante nourrice
femme-de-menage menage garde gardienne caissiere serveuse ouvriere agricultrice artisane
entrepreneure patronne associee salariee employee stagiaire diplomee analphabete
"""

# --------------------------------------------------------------------------------------------
# Latin script: Darija (Arabizi)
# --------------------------------------------------------------------------------------------

_ARY_LATN_STRONG = """
bghit bghite bghyt bghiit brit bghina bghiti bghat bgha bghaw bghitek tbghi tbghiw kanbghi
kanbghiw nbghi baghi baghia baghya bagha baghin baghiin mabghitch mabghach mabghatch
wach wash wech wesh wax ach ash achno ashno chno chnou chnu chnowa chnoua shno shnu xno xnu
chnahia chnahowa chnahoma chnahiya achnahowa kifach kifash kifch kifax kifache kifech kifash
fen feen fayn fain fino finahowa finahia fo9ach fou9ach foqach fo9ash imta imata fwa9ach
ch7al chhal bch7al bchhal chehal daba dba dorka db bzaf bezaf bzzaf bezzaf bzf bzaaf bezf
mzyan mzyana mzian mziana mezyan mezian mzn mzyane mzyn mzyanin mzyanine mezyana
kayn kayna kaynin kain kaina kayen kayne kaynine kaynin makaynch makaynsh makainch makayn
makaynach makanch makaynach makantch makanech ghadi ghadya ghadia ghadin ghadiin ghad ghan
wakha wakhkha waxa wakh wkha wakhha wekha labas labass lbas bikhir bekhir bkhir bikher
khdma khedma khdema lkhdma lkhedma khdmt khdemt nkhdm nkhdem kankhdm kankhdem kankhdam khdam
khdama khdamin khedam khdamine khdmti dyal dyali dyalk dyalek dyalo dyalha dyalna dyalkom
dyalhom dial diali dialk dialek dialo dialha dialna dialkom dialhom dyl dyalkoum dialkoum
m3a ma3a m3ak m3aya m3ah m3aha m3ana m3akom 3la 3lach 3lash alach elach 3lik 3lia 3liya 3lih
3liha 3likom 3lihom 3ndi 3endi 3andi andi 3ndk 3ndek 3andek 3ndo 3ndha 3ndna 3ndkom ma3ndich
ma3endich kolchi koulchi kulchi kolshi kolxi walo walou wlou safi saafi yallah yalah yalla
smhli smhlia smhliya smehli smahli smhili smhlya chokran choukran chukran shokran shukran
chkran chokrane choukrane chkoran wla wela wlla ola ula oula 7it hitach 7itach hitash
ila ilakan lakan ghir chwiya chwia shwiya chwya chwiya chouia hadi hada hadchi hadshi
hadxi hadak hadik hado hadou hadok hadouk dakchi dakxi dik dok bach bash bax bch chi shi xi
rani raha raki rahom rahi rahoum rahoma ndir dir dirt kandir diri dirha dirou ndirou kaydir
katdir khassni khasni khasek khassek khass khas 5asni 5as khasna khasha khaso 7ta hta hetta
7tta 9rib qrib 9riba qriba khouya khoya khuya khti khtii khtiya khtoti drari drri wlidat
wladi wldi bnti rajli rajel rajl mrati flous flus lflous fhmt fhemt fhamt fhmti mafhmtch
mafhemtch mafhamtch tsna tsnay tsnaw stna tsnani ghda ghedda ghdda lbare7 lbar7 lbareh lyoum
lyom lyum nhar ssba7 sba7 sbah l3chiya l3ashia l3chia l3ochiya dghya daghya degya zwin zwina
zwine zwinin machi mashi mochkil mouchkil mochkila nta nti ntoma ntouma ntuma 7na homa huma
houma hia hiya howa huwa hwa hna temma tema lhih lhiha zaama za3ma sahbti sa7bti sa7bi
3afak afak 3fak 3afek afek 3afakom bslama bsalama bslema tsjl tsjel tsjelt tsajlt ntsjl
ntsjel nsjl nsjel nsajel tsajel tsajl nt9ayed t9ayedt n9ayed mazal mazala mazl baqi ba9i
ma3rftch ma3reftch bsah bsa7 lmohim iwa ewa iyeh iyah eyeh ayeh chkoun chkon chkun achkoun
swel nswl nswel swlt swelt nsawal hdr nhdr nhder hder kanhder kayhder tahder kanhdr
n3rf na3ref 3rft 3reft 3raft n9der n9dr ma9dertch man9derch t9der t9dri y9der kan9der
lwra9 lwr9 wra9 lwraq sift siftli siftlik nsift nsifet nsayft sayft sayftli sifto siftiha
3ayti 3ayt n3ayt 3iyet 3ayto 3ayetli jit nji tji yji jina jaw mchit nmchi tmchi mcha mchat
chft chof nchof chouf nchouf nchuf choufi galt gal goli golt gotlek gltlk 3tini 3tiha 3tih
3tiwni kifma bhal b7al kima 3lach mnin mnine fach fash fax melli mli mlli mela
"""

_ARY_LATN_MEDIUM = """
ana li lli illi f fi fl o w men mn mnin bla kif ki kidayra kidayr kidayrin kidayer kiraki
kirak kirakom lah llah lalla sidi baraka barak tbarkallah tbarklah tbarkellah ih iyeh
ewa daroori daruri drori mra mrati wld bent bnat bniti lwld lbnt nas nsa 3yalat l3yalat
3iyalat rajel rjal dar ldar ddar dari darna bit lbit blasa lblasa blassa mdina lmdina
khobz lkhobz atay ma lma sokar dwa tbib sbitar lmdrasa lmadrasa tswira tsawr lwr9a lkarta
lbita9a bita9a lcarte nmra nemra lnmra tilifoun portable lportable
bezzaf wahed wa7d wa7ed jouj jooj tlata tlat reb3a khamsa setta sb3a tmnya t3od 3achra
sim sima simana simanat chhar chher 3am l3am 3amin
hada hadik nhar lyoum lbare7 ghedda daba mn b3d b3d 9bel 9bl mn 9bel qbel
mzyan khayb khayba ghali rkhis sahel s3ib s3iba 9lil kbir kbira sghir sghira jdid jdida
9dim 9dima
"""

# Extra Darija vocabulary: weak evidence and material for the n-gram model.
_ARY_LATN_VOCAB = """
nkhdem nkhdmo tkhdm tkhdmi ykhdm kaykhdm katkhdm kankhdmo nt3lm t3lmt kant3lm nt3allem
nbda bdit bdat kanbda nkml kmlt nsali salit salat tsala ntsna tsnit nrje3 rje3t rj3t
nkhrej khrjt dkhlt ndkhl tdkhl nakhod khdit khdat khdaw n3ti 3tit 3tat nqra qrit qrat
n9ra 9rit kan9ra nkteb ktebt ktbt nsawb sawbt nbi3 b3t kanbi3 nchri chrit chrat nkhles
khlst khlsat nfhem fhemt nsmah smhi nsit nsiti tnsa 3awd 3awdi 3awtani 3awtani nrsl
rselt nshed nchd chdit chd nfte7 fte7t 7el n7el 7lit tsed sed sdit khrej dkhel tle3 nzel
mchina mchat jat jaw jit ghadi ghadiin nmchiw nji njiw tjiw tjib njib jbt jabt jabo
3iyat 3ayet n3iyet tl3ab l3ab n3as n3ast nod fe9t fi9t nfi9 tfi9 nn3as 7ayd 7aydin
9ahwa lqahwa atay l7lib lkhodra lkhodar lfakiha l7out ljaj l7em lkhobz lmsemen lharcha
lbaghrir chebakia sellou lkaskrot lkaskrout lhanout l7anout lmarch lmarchi ssou9 souk
lkhyata khyata l7ila9a 7ila9a tabkh ttabkh l7lwa 7lwa ljam3iya jam3iya lmochkil lmoskil
lkhbar khbar l3ibad lwalidin lwalida lwalid mmi bba khali khalti 3ammi 3amti jdati jdi
wldi wlidi bnti bniti rajli mrati khti khouya sahbti jarti jarati jiran l7ouma 7ouma
lflous flous rkhisa ghalya ghalia rkhas s3ib sahl mzyana zwina khayba meskina meskin
mrida mrid 3ayana 3yit t3bt t3bana fer7ana far7a mfer7a m9el9a m9ell9a mkhl3a khayfa
bghiti bghitou bghitoha bghitha gal galt galo galet golt goltlek golhom gadi gada t9ad
ghadi nkoun nkon tkon ykon kant kan kanou kano knt kont konti kounti
"""

# Used by every variety (greetings, thanks, "ok", names): they say nothing about the language.
_NEUTRAL_LATN = """
ok okay oki okey okk okkk kk k merci mrc mrci mercii salam slm salamo salamou salem slam
alikoum alikom aleykoum alaykoum aleikoum alaikoum alikum alaikum salamalikoum salamalikom
oui wi ouii ui non nn no yes bye hi hello helo cc coucou top super cool bravo dac dacc dak
inchallah inshallah nchallah inchaalah inshaallah incha2allah insha2allah nchlh hamdoulah
hamdoulilah hamdolah hamdolilah hamdullah hamdulillah alhamdulillah lhamdulillah mashallah
machallah tbarkallah bismillah allah
anapec resofem min ajliki minajliki cnss cnops cin cv bac sms mms pdf mp3 mp4 b2b wifi
whatsapp facebook insta instagram tiktok youtube google gmail hotmail
casa casablanca rabat sale fes fès meknes tanger tetouan agadir marrakech oujda kenitra
nador laayoune dakhla essaouira beni mellal khouribga settat eljadida jadida larache
ifrane errachidia ouarzazate taza temara mohammedia berrechid
fatima khadija aicha zineb meryem maryam hanane samira naima latifa karima nadia salma
"""

# --------------------------------------------------------------------------------------------
# Arabic script: Modern Standard Arabic
# --------------------------------------------------------------------------------------------

_AR_STRONG = """
أريد أود نود هل ماذا لماذا متى أين الذي التي الذين هذا هذه ذلك تلك هؤلاء لقد سوف لن ليس ليست
لست لسنا يجب ينبغي يمكن يمكنني يمكنك يمكنكم يمكنها يمكننا أستطيع نستطيع تستطيع أرغب نرغب
ترغب أحتاج نحتاج تحتاج لدي لديك لديكم لدينا لديها لديه نعم جدا الآن أيضا فقط إذا عندما
حيث منذ كيفية ماهي ماهو أتمنى جزيلا عذرا حسنا أمس لم تم يتم سيتم سأكون ستكون سيكون
ربما لأن لأنني لأنه كذلك أعتذر أشكركم أشكرك الرجاء أرجو بخصوص لكي نحن أنتم
"""

_AR_MEDIUM = """
كم لكنني ثم حول أن قد أعرف أفهم أعمل أبحث أسكن أسأل أرسل أرسلت أتلقى أتلق أستطع
أحضر أجد أصبح أفعل أحصل أشارك أتعلم أنتظر أشكر نريد تريد يريد تريدين هناك يوجد توجد
موجود موجودة جيدا بالتأكيد لاحقا حاليا أخرى أكثر أقل جميع أو ماذا فضلك سيدتي عفوا هم
بعض الذهاب المجيء أذهب أريده أردت أحب
نستطيع تستطيعين يستطيع أنصح أود أرغب سأرسل سأنتظر سأحضر سأعود سأذهب
"""

_AR_VOCAB = """
وظيفة الوظيفة العمل مهنة المهنة الحصول إنشاء أطفال الأطفال زوجي ابنتي ابني طفلي طفلتي المنزل
منزلي أموال نقود الهاتف هاتفي رسالة الرسالة رسائل اتصال الاتصال المكتب كثيرا قليلا جميل
جيد سريع مجاني مجانية التدريب تدريب المقابلة السيرة الذاتية الطلب طلبي تمويل التمويل نسائية
المرأة امرأة سيدة الأسبوع الشهر الاستفسار استفسار الإعلان النتائج نتيجة إلغاء تأجيل تغيير
الإنترنت الرابط المرور التطبيق القادم القادمة المقبل المقبلة الحالي الحالية المستحيل
أشعر أظن أعتقد أرى أسمع أكتب أقرأ أتكلم أتحدث أعيش أدرس درست عملت ذهبت أرسلنا نرسل يرسل
ترسل ترسلي أرسلي أرسلوا اتصلي اتصلوا انتظري أخبريني أخبرني يساعدني تساعدني يعمل تعمل نعمل
يعملون تعملون يبدأ تبدأ ينتهي تنتهي يستغرق تستغرق يقدم تقدمون تقبلون توفر تتوفر تتوفرون
يحتاج حصلت تلقيت استلمت فاتني تأخرت تأكيد الحضور حضوري المشاركة الانضمام الالتحاق دقائق
"""

# --------------------------------------------------------------------------------------------
# Arabic script: Darija
# --------------------------------------------------------------------------------------------

_ARY_STRONG = """
بغيت بغيتي بغا بغات بغاو بغينا باغي باغا باغية باغيا كنبغي تبغي كيفاش كيفاه واش ديال ديالي
ديالك ديالو ديالها ديالنا ديالكم ديالهم ديالكوم شنو شنوا شنية شني اش آش أش علاش فين فاين
فوقاش إمتى امتى شحال بشحال دابا دبا بزاف ماشي كاين كاينة كاينين كاينا ماكاين ماكاينش غادي
غادية غاديا غاديين عافاك عفاك عافاكم مزيان مزيانة مزيانين والو حيت هاد هادي هادا هادو
هادشي هادوك هاديك هاداك داكشي ديك داك دوك راه راها راني راك راكي راهم واخا صافي زعما
خاصني خاصك خاصها خاصنا خصني خصك معايا معاك معاه معاها معانا ليا ليك ليكم ليها ليهم شي
شوية شوي فاش ملي منين بحال نتا نتي نتوما حنا هوما لاباس خويا ختي بنادم دغيا زوين زوينة
نخدم كنخدم كيخدم خدام خدامة خدامين نقدر تقدر تقدري كنقدر يقدر مانقدرش نجي جيت غانجي
نمشي مشيت غنمشي نشوف شفت لقيت نلقى بقيت بقا عطيني عطيه عطاني ندير دير كندير ديري ديرو
عيطي عيطو نعيط كنعيط صيفط صيفطي صيفطت نصيفط سيفط سيفطي سيفطت ميساج الميساج بصح البارح
غدوة إيوا ايوا ياك بلي شكون اللي تلاتة جوج ربعة باش واه إيه كيداير كيدايرة كيدايرين
سميتك سمحي سمحيلي سمحليا مسمحة هضرت نهضر كيهضر تهضر نسول سولت نسولك ماعرفتش كنعرف
ماعندي ماعنديش يخليك يجازيك فابور مكاين مكاينش
"""

_ARY_MEDIUM = """
ف ليه مزال مازال خلاص اه بيرو البيرو كريدي تيليفون التيليفون
حوايج الحوايج حومة الحومة وراق الوراق تصويرة التصويرة دراري الدراري وليدات العيالات عيالات
راجلي الراجل فلوس الفلوس يعطيك سيمانة السيمانة الويكاند فورماسيون الفورماسيون الريزو
لوكاليزاسيون الكارط كارط بورطابل البورطابل أوديو الواتساب اللينك لينك بلاصة البلاصة
لالة وخا ماكانش ماكنتش مكنتش عاود عاودي شرحي تسجلت نتسجل يتسجلو تتسجل خلصت نخلص
كنخلص
"""

_ARY_VOCAB = """
كنسكن كنقرا كنكتب كنبيع كنشري كنطيب كنخيط كنتعلم كنمشي كنجي كنرجع كنتسنى كنقلب كيقلبو
كتخدم كتقرا كتعرف كتعطي كيعطيو كيعطي كيدوم كيبدا كيسالي كيتسالى نبدا نكمل نسالي تسالى
نرجع ناخد خديت خدات نعطي عطيت عطات نقرا قريت نكتب نبيع بعت نشري شريت نفهم فهمتي نسيتي
نتسنى تسنيت تسناو نتسناو ستنى نحل حليت حلات نسد سديت طلعت نزلت تلفت ضاعت تقبلت ترفضت
عيطت عيطتي صيفطتي جاوبي جاوبوني الماكلة الطياب الحلوى المسمن البغرير الشباكية السفوف
الحانوت الماركي الكوزينة الطوموبيل الطاكسي الطوبيس التران الكار البلاد الدرب الزنقة
الجيران جارتي صاحبتي صحابي خوتي خواتاتي مي بابا خالتي عمتي جدتي مرتي ولادي وليداتي
بناتي بنيتي الدري عيانة عييت فرحانة خايبة مسكينة صعيبة ساهلة كتير تانية تاني مرا مراة
العيال دارنا دارو الدار فالدار
"""

_NEUTRAL_AR = """
شكرا سلام السلام عليكم عليك عليكي ورحمة الله وبركاته مرحبا اوكي اوك اوكاي اوكيه الحمد لله
الحمدلله ان إن شاء انشاء ماشاء تبارك بارك فيك فيكم آمين امين يا لا
"""

# Words both sides use, with a light lean (weights: first side, second side).
_SHARED_AR: dict[str, tuple[float, float]] = {
    "كيف": (0.8, 0.0),  # MSA "how"; Darija prefers كيفاش
    "إلى": (0.6, 0.0),  # MSA "to"; Darija الى is "if"
    "على": (0.3, 0.0),
    "في": (0.3, 0.0),  # Darija tends to glue ف to the noun
    "عن": (0.5, 0.0),
    "لكن": (0.6, 0.0),  # Darija writes ولكن too
    "أنت": (0.8, 0.0),
    "عندي": (0.0, 0.5),  # MSA prefers لدي
    "غير": (0.0, 0.6),  # Darija "only"; MSA "non-"
    "ولا": (0.0, 0.6),  # Darija "or"; MSA "and not"
    "بلا": (0.0, 0.8),
    "خدمة": (0.0, 0.8),  # Darija "job"; MSA "service"
    "الخدمة": (0.0, 0.8),
}
_SHARED_LATN: dict[str, tuple[float, float]] = {
    "la": (0.4, 0.0),  # French article; Darija "no"
    "fin": (0.3, 1.0),  # Darija "where"; French "end"
    "ki": (0.3, 0.8),  # Darija "how"; French SMS "qui"
    "si": (0.5, 0.0),  # French "if"; Darija "Mr"
    "ma": (0.0, 0.0),  # French "my"; Darija negation
    "a": (0.0, 0.0),  # French "has/to"; Darija vocative
    "ou": (0.0, 0.0),  # French "or"; Darija "and"
    "d": (0.0, 0.3),  # Darija "of"; French d'
    "l": (0.0, 0.0),
    "t": (0.3, 0.0),
    # Greetings, thanks and forms of address travel between languages ("bonjour, bghit
    # nsjel", "salam khti, est-ce que..."): they weigh less than grammar words.
    "bonjour": (0.9, 0.0),
    "bonsoir": (0.9, 0.0),
    "salut": (0.8, 0.0),
    "slt": (0.8, 0.0),
    "bjr": (0.8, 0.0),
    "bsr": (0.8, 0.0),
    "madame": (0.8, 0.0),
    "monsieur": (0.8, 0.0),
    "mademoiselle": (0.8, 0.0),
    "svp": (0.8, 0.0),
    "stp": (0.8, 0.0),
    "beaucoup": (1.0, 0.0),
    "bcp": (1.0, 0.0),
    "khti": (0.0, 0.8),
    "khouya": (0.0, 0.8),
    "khoya": (0.0, 0.8),
    "lalla": (0.0, 0.8),
    "sidi": (0.0, 0.5),
}

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

# Removed: Arabic diacritics and tatweel (optional in writing), zero-width and bidi controls.
# Replaced by a space: other control characters, so that they still separate words.
_DROP = dict.fromkeys(
    [
        *range(0x064B, 0x0660),
        *(0x0670, 0x0640, 0x061C, 0xFEFF, 0x00AD),
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
    ]
)
_TO_SPACE = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029], " ")
_CLEAN = str.maketrans({**_DROP, **_TO_SPACE})

# Arabic spelling variants that writers mix freely (hamza seats, alif maqsura, ta marbuta).
_AR_KEY = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ک": "ك",
        "گ": "ك",
        "ڭ": "ك",
        "ݣ": "ك",
    }
)

_AR_RANGE = "\u0620-\u063f\u0641-\u064a\u066e-\u06d5\u06ee\u06ef\u06fa-\u06ff\u0750-\u077f"
_LATN_RANGE = "a-z0-9\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_TOKEN_RE = re.compile(rf"([{_AR_RANGE}\u08a0-\u08ff]+)|([{_LATN_RANGE}]+)")
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")  # "salaaam", "بزااااف": no word has 3 in a row
_DOUBLE_RE = re.compile(r"([^\W\d_])\1")
_FR_ACCENT_RE = re.compile(r"[éèêëàâçîïôûùœ]")


def _fold_latin(token: str) -> str:
    """ASCII spelling of a lowercase Latin token: French is often typed without accents."""
    if token.isascii():
        return token
    decomposed = unicodedata.normalize("NFKD", token.replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _single(word: str) -> str:
    """Doubled letters collapsed: "bzzaf" -> "bzaf", "appel" -> "apel"."""
    return _DOUBLE_RE.sub(r"\1", word)


def _ar_key(token: str) -> str:
    return token.translate(_AR_KEY)


# --------------------------------------------------------------------------------------------
# Lexicons and the character n-gram naive Bayes model, built at import time
# --------------------------------------------------------------------------------------------


def _lexicon(
    tiers: Iterable[tuple[str, float]], shared: dict[str, tuple[float, float]], side: int
) -> dict[str, float]:
    """Word -> weight; a word listed in several tiers keeps its highest weight."""
    table: dict[str, float] = {}
    for words, weight in tiers:
        for word in words.split():
            table[word] = max(weight, table.get(word, 0.0))
    for word, weights in shared.items():
        table[word] = weights[side]
    return table


def _latin_lexicon(*tiers: tuple[str, float], side: int) -> dict[str, float]:
    """Latin lexicon, also indexed with doubled letters collapsed ("bzzaf" -> "bzaf")."""
    table = {_fold_latin(w): v for w, v in _lexicon(tiers, _SHARED_LATN, side).items()}
    return {**{_single(w): v for w, v in table.items()}, **table}


def _arabic_lexicon(*tiers: tuple[str, float], side: int) -> dict[str, float]:
    return {_ar_key(w): v for w, v in _lexicon(tiers, _SHARED_AR, side).items()}


class _NGramModel:
    """Two-class naive Bayes over the character 1- to 4-grams of one word.

    ``score`` is the mean per-n-gram log-likelihood ratio squashed into [-1, 1]; positive
    means the word looks like the second class. It only judges words that no list knows.
    """

    def __init__(self, first: Iterable[str], second: Iterable[str], alpha: float = 0.5) -> None:
        counts: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
        for counter, words in zip(counts, (first, second), strict=True):
            for word in words:
                counter.update(self._grams(word))
        vocab = set(counts[0]) | set(counts[1])
        totals = [sum(c.values()) + alpha * len(vocab) for c in counts]
        self._ratio: dict[str, float] = {
            gram: math.log((counts[1][gram] + alpha) / totals[1])
            - math.log((counts[0][gram] + alpha) / totals[0])
            for gram in vocab
        }

    @staticmethod
    def _grams(word: str) -> list[str]:
        padded = f"^{word}$"
        return [padded[i : i + n] for n in (1, 2, 3, 4) for i in range(len(padded) - n + 1)]

    def score(self, word: str) -> float:
        ratios = [self._ratio.get(gram, 0.0) for gram in self._grams(word)]
        return math.tanh(2.0 * sum(ratios) / len(ratios))


_FR = _latin_lexicon(
    (_FR_STRONG, STRONG), (_FR_MEDIUM, MEDIUM), (_FR_VOCAB, WEAK), (_FR_WEAK, 0.3), side=0
)
_ARY_LATN = _latin_lexicon(
    (_ARY_LATN_STRONG, STRONG), (_ARY_LATN_MEDIUM, MEDIUM), (_ARY_LATN_VOCAB, WEAK), side=1
)
_NEUTRAL_LATN_SET = frozenset(_fold_latin(w) for w in _NEUTRAL_LATN.split())
_AR = _arabic_lexicon((_AR_STRONG, STRONG), (_AR_MEDIUM, MEDIUM), (_AR_VOCAB, WEAK), side=0)
_ARY = _arabic_lexicon((_ARY_STRONG, STRONG), (_ARY_MEDIUM, MEDIUM), (_ARY_VOCAB, WEAK), side=1)
_NEUTRAL_AR_SET = frozenset(_NEUTRAL_AR.split())  # exact spellings: أن is not ان

_LATN_MODEL = _NGramModel(
    (w for w, v in _FR.items() if v), (w for w, v in _ARY_LATN.items() if v)
)  # positive: looks like Arabizi
_AR_MODEL = _NGramModel(
    (w for w, v in _AR.items() if v), (w for w, v in _ARY.items() if v)
)  # positive: looks like Darija

# --------------------------------------------------------------------------------------------
# Morphology
# --------------------------------------------------------------------------------------------

_C = "bcdfghjklmnpqrstvwxz"
# Arabizi digits used as letters (3 = ع, 7 = ح, 9 = ق, 2 = ء, 5 = خ, 8 = غ) next to a letter ...
_ARABIZI_DIGIT_RE = re.compile(r"[a-z][235789]|[235789][a-z]")
# ... unless the token is a time, an ordinal, a quantity or a French SMS spelling.
_NOT_ARABIZI_RE = re.compile(
    r"\d+(h\d*|e|eme|emes|ieme|er|ere|re|em|min|mn|dh|dhs|mad|ans?|k|km|kg|g|m|cm|mo|go|gb|mb"
    r"|x|j|s|ml|t|p)|\d+h\d+|h\d+|a2m1|2m1|a2main|2main|2ml|mr6|b1|bi1|koi29|g29"
)
_ARY_LATN_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"ma[a-z0-9]{2,}(ch|sh|x)"), STRONG),  # ma...ch negation: mafhmtch, makaynch
    (re.compile(r"(kan|kay|kat|kant|kayt|ghan|ghay|ghat|ghad)[a-z0-9]{2,}"), MEDIUM),  # verbs
    (re.compile(rf"(f|b|fe)?l[{_C}][a-z0-9]+"), 1.0),  # glued article: lkhdma, flbit
    (re.compile(rf"[ny][{_C.replace('y', '')}][a-z0-9]+"), 0.8),  # n-/y- verbs: nsjel, ykhlik
    (re.compile(r"[a-z]*(kh|gh)[a-z]*"), 1.0),
    (re.compile(r"(ss|dd|tt|nn|rr|zz)[a-z0-9]{2,}"), 0.8),  # assimilated article: ssba7
    (re.compile(rf"[{_C}]{{3,}}"), 0.6),  # no vowel at all: nsjl, khdmt, bzf
)
# French verb endings (conjugation is grammar, so it is not borrowed into Darija the way nouns
# in -tion or -ment are): envoyez, pouvons, voulais, attendaient, viendrai.
_FR_VERB_RE = re.compile(r"[a-z]{2,}(ez|iez|ons|ions|ais|ait|aient|erai|erais|erait|eront)")
_NOT_DARIJA_LATN = frozenset({"match", "sketch", "ghetto", "spaghetti", "yoghourt", "yaourt"})

_ARY_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"ما\w{2,}ش|م[كنتيغ]\w{2,}ش"), STRONG),  # ma...ch negation: ماعنديش، مكنعرفش
    (re.compile(r"(?!كتاب|كتب|كيف|كيم|كيلو|كنو|كنا|كنت)(كن|كي|كت)\w{3,}"), 1.0),  # كنخدم
    (re.compile(r"(?!غير|غني|غنا|غيا|غيب|غيث|غيم|غيو|غين)غا?[نيت]\w{2,}"), 1.0),  # غانمشي
    (re.compile(r"فال\w{2,}"), 1.0),  # "in the": فالدار
    (re.compile(r"\w*[ڭݣگ]\w*"), 1.0),  # Moroccan letters for g
)
_AR_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"(?!\w*فون)[يت]\w{2,}ون"), 0.8),  # plural verbs in -una: يعملون، تقدمون
    (re.compile(r"سأ\w{2,}"), 1.5),  # future sa-: سأرسل
    (re.compile(r"أ\w{3,}"), 0.3),  # first person a-: أبحث (Darija says n-)
    (re.compile(r"\w*[ثذظ]\w*"), 0.3),  # letters that Darija spelling often replaces
)
_AR_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال", "و")
# "ما" before a pronoun or a definite noun asks "what is" (MSA: ما هي الشروط؟); Darija asks
# شنو هي and uses a separate ما only to negate a verb.
_MSA_WHAT_NEXT_RE = re.compile(r"هي|هو|هم|هن|ال\w+")


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def _latin_evidence(token: str) -> tuple[float, float]:
    """(French, Arabizi) evidence carried by one lowercase Latin token."""
    accent = 0.5 if _FR_ACCENT_RE.search(token) else 0.0  # Arabizi writers rarely type them
    word = _fold_latin(token)
    for candidate in (word, _single(word)):
        if candidate in _FR or candidate in _ARY_LATN:
            return _FR.get(candidate, 0.0) + accent, _ARY_LATN.get(candidate, 0.0)
    if _ARABIZI_DIGIT_RE.search(word) and not _NOT_ARABIZI_RE.fullmatch(word):
        return accent, STRONG
    if _FR_VERB_RE.fullmatch(word):
        return accent + MEDIUM, 0.0
    if word not in _NOT_DARIJA_LATN:
        for pattern, weight in _ARY_LATN_PATTERNS:
            if pattern.fullmatch(word):
                return accent, weight
    if len(word) < 3:
        return accent, 0.0
    lean = _LATN_MODEL.score(word) * NB_WEIGHT
    return accent + max(-lean, 0.0), max(lean, 0.0)


def _arabic_evidence(token: str) -> tuple[float, float]:
    """(MSA, Darija) evidence carried by one Arabic-script token."""
    key = _ar_key(token)
    candidates = [key]
    candidates += [
        key[len(p) :] for p in _AR_PREFIXES if key.startswith(p) and len(key) > len(p) + 1
    ]
    for candidate in candidates:
        if candidate in _AR or candidate in _ARY:
            return _AR.get(candidate, 0.0), _ARY.get(candidate, 0.0)
    for pattern, weight in _ARY_PATTERNS:
        if pattern.fullmatch(token):
            return 0.0, weight
    for pattern, weight in _AR_PATTERNS:
        if pattern.fullmatch(token):
            return weight, 0.0
    if len(key) < 3:
        return 0.0, 0.0
    lean = _AR_MODEL.score(key) * NB_WEIGHT - UNMARKED_AR_LEAN
    return max(-lean, 0.0), max(lean, 0.0)


def _decide(first: float, second: float, codes: tuple[str, str], default: str) -> str:
    """One of a script's two varieties; ``default`` settles weak or close calls it is part of."""
    clear = max(first, second) >= MIN_EVIDENCE and abs(first - second) >= MIN_MARGIN
    if not clear and default in codes:
        return default
    return codes[1] if second > first else codes[0]


def _detect(text: str, default: str) -> str:
    text = text[:MAX_CHARS].encode("utf-8", "ignore").decode("utf-8")  # drops lone surrogates
    text = unicodedata.normalize("NFKC", text).lower()
    has_tanwin = "\u064b" in text  # fathatan is a written-MSA habit; checked before it goes
    text = _REPEAT_RE.sub(r"\1", text.translate(_CLEAN))

    fr = ary_latn = msa = ary = 0.0
    arabic_words = latin_words = neutral_arabic = 0
    previous = ""
    for arabic, latin in _TOKEN_RE.findall(text):
        if arabic:
            if previous == "ما" and _MSA_WHAT_NEXT_RE.fullmatch(arabic):
                msa += 1.5
            previous = arabic
            if arabic in _NEUTRAL_AR_SET:
                neutral_arabic += 1
                continue
            arabic_words += 1
            first, second = _arabic_evidence(arabic)
            msa, ary = msa + first, ary + second
        elif not latin.isdigit():
            folded = _fold_latin(latin)
            if folded in _NEUTRAL_LATN_SET or _single(folded) in _NEUTRAL_LATN_SET:
                continue
            latin_words += 1
            first, second = _latin_evidence(latin)
            fr, ary_latn = fr + first, ary_latn + second

    if arabic_words == 0 and latin_words == 0:
        if neutral_arabic and default not in ("ar", "ary"):
            return "ary"  # "السلام عليكم" from someone we answered in Latin letters
        return default  # empty, emoji, digits, or only words every variety uses
    # Darija in Arabic script often carries French nouns in Latin letters; the reverse is rare.
    if arabic_words * 1.5 >= latin_words:
        return _decide(msa + (MEDIUM if has_tanwin else 0.0), ary, ("ar", "ary"), default)
    return _decide(fr, ary_latn, ("fr", "ary_Latn"), default)


def detect(text: str, default: str = "fr") -> str:
    """The language code of ``text``, one of ``LANGUAGES``.

    ``default`` (normally the beneficiary's last language) is returned for empty, emoji-only,
    digits-only or greeting-only messages, and settles weak or close calls within its script.
    Never raises; an unknown ``default`` is replaced by ``"fr"``.
    """
    if default not in LANGUAGES:
        default = "fr"
    if not isinstance(text, str) or not text:
        return default
    try:
        return _detect(text, default)
    except Exception:  # a wrong guess costs less than a crashed conversation
        return default
