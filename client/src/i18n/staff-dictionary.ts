import type { Locale } from '../../../contract/index.ts'
import type { Messages } from './guest/en.ts'
import { loadGuestMessages } from './guest-messages.ts'

// The words of the bar display, the pickup board and the QR poster. Kept apart from the guest's
// words so that a guest's phone never downloads them; the same rules hold (English is the
// reference, every language has its keys and placeholders). These are small, so all four
// languages come together (the QR poster shows a line in each); the guest's words they build
// on are loaded one language at a time, as on the guest page.

const en = {
  barTitle: 'Bar',
  tokenLabel: 'Bar token',
  tokenHelp: 'Enter the bar token once; this device keeps it.',
  tokenOpen: 'Open',
  tokenRefused: 'That bar token was refused. Please enter it again.',
  queue: 'Queue',
  advance_placed: 'Start',
  advance_preparing: 'Ready',
  advance_ready: 'Handed over',
  emptyColumn: 'Nothing here.',
  toMake: 'To make',
  nothingToMake: 'Nothing to make.',
  sound: 'Sound for new orders',
  availability: 'Available drinks',
  allOrders: 'All orders',
  exportCsv: 'Export CSV',
  col_number: 'No.',
  col_createdAt: 'Time',
  col_nickname: 'Nickname',
  col_drinkId: 'Drink',
  col_quantity: 'Qty',
  col_note: 'Note',
  col_status: 'Status',
  boardTitle: 'Ready for pickup',
  boardEmpty: 'Nothing ready yet.',
  boardOther: 'Other drinks',
  qrInstruction: 'Scan the code to order a drink.',
  print: 'Print',
  undo: 'Undo',
  moved: '#{number}: {status}',
  waiting: 'waiting {time}',
  soundHint: 'Sound is on: it starts with your next tap on the screen.',
  printerOffline: 'Printer {printer} is offline: {count} ticket(s) waiting for it.',
  ordersWaiting: '{count} message(s) of orders not yet sent to the printers and screens (for {seconds} s).',
}

type StaffOnly = Readonly<Record<keyof typeof en, string>>

const de: StaffOnly = {
  barTitle: 'Bar',
  tokenLabel: 'Bar-Token',
  tokenHelp: 'Gib das Bar-Token einmal ein; dieses Gerät merkt es sich.',
  tokenOpen: 'Öffnen',
  tokenRefused: 'Dieses Bar-Token wurde abgelehnt. Bitte nochmals eingeben.',
  queue: 'Warteschlange',
  advance_placed: 'Beginnen',
  advance_preparing: 'Bereit',
  advance_ready: 'Übergeben',
  emptyColumn: 'Nichts hier.',
  toMake: 'Zuzubereiten',
  nothingToMake: 'Nichts zuzubereiten.',
  sound: 'Ton bei neuen Bestellungen',
  availability: 'Verfügbare Getränke',
  allOrders: 'Alle Bestellungen',
  exportCsv: 'CSV exportieren',
  col_number: 'Nr.',
  col_createdAt: 'Zeit',
  col_nickname: 'Spitzname',
  col_drinkId: 'Getränk',
  col_quantity: 'Anz.',
  col_note: 'Hinweis',
  col_status: 'Status',
  boardTitle: 'Zum Abholen bereit',
  boardEmpty: 'Noch nichts bereit.',
  boardOther: 'Weitere Getränke',
  qrInstruction: 'Code scannen und ein Getränk bestellen.',
  print: 'Drucken',
  undo: 'Rückgängig',
  moved: '#{number}: {status}',
  waiting: 'wartet seit {time}',
  soundHint: 'Ton ist an: er startet mit deinem nächsten Tippen auf den Bildschirm.',
  printerOffline: 'Drucker {printer} ist nicht verbunden: {count} Bon(s) warten auf ihn.',
  ordersWaiting:
    '{count} Meldung(en) zu Bestellungen noch nicht an Drucker und Bildschirme gesendet (seit {seconds} s).',
}

const fr: StaffOnly = {
  barTitle: 'Bar',
  tokenLabel: 'Jeton du bar',
  tokenHelp: 'Saisis le jeton du bar une fois ; cet appareil le garde.',
  tokenOpen: 'Ouvrir',
  tokenRefused: 'Ce jeton du bar a été refusé. Saisis-le à nouveau.',
  queue: 'File d’attente',
  advance_placed: 'Commencer',
  advance_preparing: 'Prête',
  advance_ready: 'Remise',
  emptyColumn: 'Rien ici.',
  toMake: 'À préparer',
  nothingToMake: 'Rien à préparer.',
  sound: 'Son pour les nouvelles commandes',
  availability: 'Boissons disponibles',
  allOrders: 'Toutes les commandes',
  exportCsv: 'Exporter en CSV',
  col_number: 'N°',
  col_createdAt: 'Heure',
  col_nickname: 'Surnom',
  col_drinkId: 'Boisson',
  col_quantity: 'Qté',
  col_note: 'Remarque',
  col_status: 'Statut',
  boardTitle: 'Prêtes à retirer',
  boardEmpty: 'Rien de prêt pour l’instant.',
  boardOther: 'Autres boissons',
  qrInstruction: 'Scanne le code pour commander une boisson.',
  print: 'Imprimer',
  undo: 'Annuler l’action',
  moved: 'N° {number} : {status}',
  waiting: 'attend depuis {time}',
  soundHint: 'Le son est activé : il démarre à ta prochaine touche sur l’écran.',
  printerOffline: 'L’imprimante {printer} est hors ligne : {count} ticket(s) l’attendent.',
  ordersWaiting:
    '{count} message(s) de commandes pas encore envoyés aux imprimantes et aux écrans (depuis {seconds} s).',
}

const it: StaffOnly = {
  barTitle: 'Bar',
  tokenLabel: 'Token del bar',
  tokenHelp: 'Inserisci il token del bar una volta; questo dispositivo lo ricorda.',
  tokenOpen: 'Apri',
  tokenRefused: 'Questo token del bar è stato rifiutato. Inseriscilo di nuovo.',
  queue: 'Coda',
  advance_placed: 'Inizia',
  advance_preparing: 'Pronto',
  advance_ready: 'Consegnato',
  emptyColumn: 'Niente qui.',
  toMake: 'Da preparare',
  nothingToMake: 'Niente da preparare.',
  sound: 'Suono per i nuovi ordini',
  availability: 'Bevande disponibili',
  allOrders: 'Tutti gli ordini',
  exportCsv: 'Esporta CSV',
  col_number: 'N.',
  col_createdAt: 'Ora',
  col_nickname: 'Soprannome',
  col_drinkId: 'Bevanda',
  col_quantity: 'Qtà',
  col_note: 'Nota',
  col_status: 'Stato',
  boardTitle: 'Pronti da ritirare',
  boardEmpty: 'Ancora niente di pronto.',
  boardOther: 'Altre bevande',
  qrInstruction: 'Scansiona il codice per ordinare una bevanda.',
  print: 'Stampa',
  undo: 'Annulla azione',
  moved: 'N. {number}: {status}',
  waiting: 'in attesa da {time}',
  soundHint: 'Il suono è attivo: parte al tuo prossimo tocco sullo schermo.',
  printerOffline: 'La stampante {printer} è offline: {count} scontrino/i in attesa.',
  ordersWaiting: '{count} messaggio/i di ordini non ancora inviati a stampanti e schermi (da {seconds} s).',
}

export type StaffMessages = Messages & StaffOnly

/** The staff's own words in each language, without the guest's. */
export const staffWords: Readonly<Record<Locale, StaffOnly>> = { en, de, fr, it }

/** One language's words for the staff views: the guest's words with the staff's added. */
export const loadStaffMessages = async (locale: Locale): Promise<StaffMessages> => ({
  ...(await loadGuestMessages(locale)),
  ...staffWords[locale],
})
