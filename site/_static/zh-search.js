// Sphinx's Chinese search data (language_data.js) names a ChineseStemmer it does not define;
// Chinese words are not stemmed, Latin ones with the English stemmer, as its Python side does.
var ChineseStemmer = function () { return new EnglishStemmer(); };
