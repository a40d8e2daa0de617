//! The logical structure of the transcript (ISO 32000-1 14.7-14.8, as PDF/UA-1 requires it: ISO 14289-1
//! 7.1-7.5): structure elements built while the pages are drawn, marked-content identifiers tying page
//! content to them, and artifacts for what is not content (running headers and footers, rules, bands,
//! repeated table headers, specimen marks). [`Tags::write`] adds the tree to the finished document.

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::archive::text_string;
use super::content::Mark;
use super::save::{Raw, write_object, write_reference};

/// A standard structure type (ISO 32000-1 14.8.4), so that no role map is needed (14289-1 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Document,
    H1,
    H2,
    H3,
    P,
    Table,
    THead,
    TBody,
    TR,
    TH,
    TD,
    L,
    LI,
    Lbl,
    LBody,
    Span,
    Figure,
    Link,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Document => "Document",
            Kind::H1 => "H1",
            Kind::H2 => "H2",
            Kind::H3 => "H3",
            Kind::P => "P",
            Kind::Table => "Table",
            Kind::THead => "THead",
            Kind::TBody => "TBody",
            Kind::TR => "TR",
            Kind::TH => "TH",
            Kind::TD => "TD",
            Kind::L => "L",
            Kind::LI => "LI",
            Kind::Lbl => "Lbl",
            Kind::LBody => "LBody",
            Kind::Span => "Span",
            Kind::Figure => "Figure",
            Kind::Link => "Link",
        }
    }
}

/// The scope of a table header cell (ISO 32000-1 Table 349; 14289-1 7.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Column,
    Row,
}

/// What a structure element holds besides its kind.
#[derive(Debug, Clone, Default)]
pub(super) struct Attrs {
    /// Replacement text of a figure (14289-1 7.3).
    pub alt: Option<String>,
    pub scope: Option<Scope>,
    /// Columns a cell spans, when more than one (so that every row has as many: 14289-1 7.2, veraPDF 7.2-42).
    pub col_span: Option<usize>,
    /// The natural language of the element's text when it is not the document's (BCP 47; ISO 32000-1
    /// 14.9.2.2, inherited by the elements inside).
    pub lang: Option<String>,
}

#[derive(Debug, Clone)]
enum Kid {
    Elem(usize),
    /// A marked-content sequence: page index and its MCID on that page.
    Content(usize, usize),
    /// A link annotation (index in [`Tags::links`]).
    Annot(usize),
}

/// A link annotation: its page, rectangle (x1, y1, x2, y2), address, and description (ISO 32000-1 12.5.6.5).
#[derive(Debug, Clone)]
struct LinkAnnot {
    page: usize,
    elem: usize,
    rect: [f32; 4],
    uri: String,
    contents: String,
}

#[derive(Debug, Clone)]
struct Elem {
    kind: Kind,
    parent: usize,
    attrs: Attrs,
    kids: Vec<Kid>,
}

/// The structure tree under construction, and where the writer is in it.
#[derive(Debug, Clone)]
pub(super) struct Tags {
    elems: Vec<Elem>,
    /// Open elements, innermost last (`None`: an element opened while drawing an artifact).
    open: Vec<Option<usize>>,
    /// Nesting depth of artifact drawing (repeated headers): content drawn then is not in the tree.
    artifact: u32,
    /// For each finished page, the element of each MCID (the page's parent tree entry).
    pages: Vec<Vec<usize>>,
    /// The current page's MCIDs.
    page: Vec<usize>,
    links: Vec<LinkAnnot>,
}

impl Default for Tags {
    fn default() -> Self {
        let root = Elem { kind: Kind::Document, parent: 0, attrs: Attrs::default(), kids: Vec::new() };
        Tags {
            elems: vec![root],
            open: vec![Some(0)],
            artifact: 0,
            pages: Vec::new(),
            page: Vec::new(),
            links: Vec::new(),
        }
    }
}

impl Tags {
    /// Opens a structure element inside the innermost open one.
    pub(super) fn open(&mut self, kind: Kind, attrs: Attrs) {
        if self.artifact > 0 {
            self.open.push(None);
            return;
        }
        let parent = self.current();
        let index = self.elems.len();
        self.elems.push(Elem { kind, parent, attrs, kids: Vec::new() });
        self.elems[parent].kids.push(Kid::Elem(index));
        self.open.push(Some(index));
    }

    /// Closes the innermost open element (the document itself stays open).
    pub(super) fn close(&mut self) {
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    fn current(&self) -> usize {
        self.open.iter().rev().find_map(|e| *e).unwrap_or(0)
    }

    /// Starts drawing an artifact (a repeated header): until [`Tags::end_artifact`], content is not tagged.
    pub(super) fn begin_artifact(&mut self) {
        self.artifact += 1;
    }

    pub(super) fn end_artifact(&mut self) {
        self.artifact = self.artifact.saturating_sub(1);
    }

    /// What the next piece of content belongs to: the innermost open element, or `None` for an
    /// artifact (14289-1 7.1: all content is one or the other). Content outside any element is an artifact.
    pub(super) fn target(&self, artifact: bool) -> Option<usize> {
        let elem = self.current();
        (!artifact && self.artifact == 0 && elem != 0).then_some(elem)
    }

    /// The operation opening a marked-content sequence for `target` (see [`Tags::target`]): with a new
    /// MCID in the element, or an artifact.
    pub(super) fn begin(&mut self, target: Option<usize>) -> Mark {
        let Some(elem) = target else {
            return Mark::Artifact;
        };
        let mcid = self.page.len();
        self.page.push(elem);
        self.elems[elem].kids.push(Kid::Content(self.pages.len(), mcid));
        Mark::Content { kind: self.elems[elem].kind.name(), mcid }
    }

    /// A link annotation over `rect` on the current page, to `uri`, described by `contents`, in the
    /// innermost open element (a Link: 14289-1 7.18.5; ignored in an artifact).
    pub(super) fn link(&mut self, rect: [f32; 4], uri: &str, contents: &str) {
        let Some(elem) = self.target(false) else { return };
        let index = self.links.len();
        let (uri, contents) = (uri.to_string(), contents.to_string());
        self.links.push(LinkAnnot { page: self.pages.len(), elem, rect, uri, contents });
        self.elems[elem].kids.push(Kid::Annot(index));
    }

    /// The page is finished: its MCIDs become its parent tree entry.
    pub(super) fn finish_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
    }

    /// Adds the structure tree to `doc` (14289-1 7.1: StructTreeRoot, ParentTree, MarkInfo; each page's
    /// StructParents; /Tabs /S for pages with annotations, 7.18.3). The structure elements, most of a tagged
    /// file's objects, are returned serialized under the numbers reserved for them in `doc`, for
    /// [`super::save::save`]: building each as a dictionary first cost more than the rest of the tree.
    pub(super) fn write(
        &self,
        doc: &mut Document,
        page_ids: &[ObjectId],
        lang: &str,
    ) -> Result<Vec<Raw>, lopdf::Error> {
        let root_id = doc.new_object_id();
        let ids: Vec<ObjectId> = self.elems.iter().map(|_| doc.new_object_id()).collect();
        let link_ids: Vec<ObjectId> = self.links.iter().map(|_| doc.new_object_id()).collect();
        let elems = (self.elems.iter().enumerate())
            .map(|(i, elem)| {
                let parent = if i == 0 { root_id } else { ids[elem.parent] };
                let lang = if i == 0 { Some(lang) } else { elem.attrs.lang.as_deref() };
                Raw { number: ids[i].0, bytes: self.elem_bytes(elem, parent, &ids, &link_ids, page_ids, lang) }
            })
            .collect();
        // ISO 32000-1 14.7.4.4: the parent tree maps each page's StructParents to its MCIDs' elements,
        // then each annotation's StructParent to its element.
        let mut nums: Vec<Object> = self
            .pages
            .iter()
            .enumerate()
            .flat_map(|(p, mcids)| {
                [Object::Integer(p as i64), Object::Array(mcids.iter().map(|&e| Object::Reference(ids[e])).collect())]
            })
            .collect();
        for (i, link) in self.links.iter().enumerate() {
            let key = (self.pages.len() + i) as i64;
            nums.extend([Object::Integer(key), Object::Reference(ids[link.elem])]);
            let Some(page) = page_ids.get(link.page) else { continue };
            let action = Dictionary::from_iter([
                ("S", Object::Name(b"URI".to_vec())),
                ("URI", Object::String(link.uri.as_bytes().to_vec(), lopdf::StringFormat::Literal)),
            ]);
            let annot = Dictionary::from_iter([
                ("Type", Object::Name(b"Annot".to_vec())),
                ("Subtype", Object::Name(b"Link".to_vec())),
                ("Rect", Object::Array(link.rect.iter().map(|&v| Object::Real(v)).collect())),
                ("Border", Object::Array(vec![Object::Integer(0), Object::Integer(0), Object::Integer(0)])),
                // 19005-3 6.3.2: the Print flag set, no hiding flag.
                ("F", Object::Integer(4)),
                ("A", Object::Dictionary(action)),
                ("Contents", text_string(&link.contents)),
                ("StructParent", Object::Integer(key)),
                ("P", Object::Reference(*page)),
            ]);
            doc.objects.insert(link_ids[i], Object::Dictionary(annot));
            let page = doc.get_object_mut(*page)?.as_dict_mut()?;
            match page.get_mut(b"Annots") {
                Ok(Object::Array(annots)) => annots.push(Object::Reference(link_ids[i])),
                _ => page.set("Annots", Object::Array(vec![Object::Reference(link_ids[i])])),
            }
        }
        let parent_tree = doc.add_object(Dictionary::from_iter([("Nums", Object::Array(nums))]));
        let root = Dictionary::from_iter([
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", Object::Array(vec![Object::Reference(ids[0])])),
            ("ParentTree", Object::Reference(parent_tree)),
            ("ParentTreeNextKey", Object::Integer((self.pages.len() + self.links.len()) as i64)),
        ]);
        doc.objects.insert(root_id, Object::Dictionary(root));
        for (p, page) in page_ids.iter().enumerate() {
            let dict = doc.get_object_mut(*page)?.as_dict_mut()?;
            dict.set("StructParents", Object::Integer(p as i64));
            dict.set("Tabs", Object::Name(b"S".to_vec()));
        }
        let catalog = doc.catalog_mut()?;
        catalog.set("StructTreeRoot", Object::Reference(root_id));
        catalog.set("MarkInfo", Object::Dictionary(Dictionary::from_iter([("Marked", Object::Boolean(true))])));
        Ok(elems)
    }

    /// One structure element (ISO 32000-1 14.7.2, Table 323): its type, parent, first page, kids
    /// (elements, marked-content sequences by MCID, annotations), language, alternate text and table
    /// attributes (Table 349).
    fn elem_bytes(
        &self,
        elem: &Elem,
        parent: ObjectId,
        ids: &[ObjectId],
        link_ids: &[ObjectId],
        page_ids: &[ObjectId],
        lang: Option<&str>,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        out.extend_from_slice(b"<</Type/StructElem/S/");
        out.extend_from_slice(elem.kind.name().as_bytes());
        out.extend_from_slice(b"/P");
        write_reference(&mut out, parent);
        let first_page = elem.kids.iter().find_map(|k| match k {
            Kid::Content(page, _) => Some(*page),
            Kid::Elem(_) | Kid::Annot(_) => None,
        });
        if let Some(page) = first_page.and_then(|p| page_ids.get(p)) {
            out.extend_from_slice(b"/Pg");
            write_reference(&mut out, *page);
        }
        out.extend_from_slice(b"/K");
        // A single kid is written alone, not in an array (ISO 32000-1 Table 323 allows both). A kid on a page
        // that does not exist is left out.
        let written = |kid: &Kid| match *kid {
            Kid::Elem(_) => true,
            Kid::Annot(a) => page_ids.get(self.links[a].page).is_some(),
            Kid::Content(page, _) => Some(page) == first_page || page_ids.get(page).is_some(),
        };
        let alone = elem.kids.iter().filter(|k| written(k)).count() == 1;
        if !alone {
            out.push(b'[');
        }
        for kid in &elem.kids {
            match *kid {
                Kid::Elem(e) => write_reference(&mut out, ids[e]),
                // ISO 32000-1 14.7.4.3: an object reference to the annotation.
                Kid::Annot(a) => {
                    if let Some(pg) = page_ids.get(self.links[a].page) {
                        out.extend_from_slice(b"<</Type/OBJR/Obj");
                        write_reference(&mut out, link_ids[a]);
                        out.extend_from_slice(b"/Pg");
                        write_reference(&mut out, *pg);
                        out.extend_from_slice(b">>");
                    }
                }
                Kid::Content(page, mcid) if Some(page) == first_page => {
                    write_object(&mut out, &Object::Integer(mcid as i64))
                }
                Kid::Content(page, mcid) => {
                    if let Some(pg) = page_ids.get(page) {
                        out.extend_from_slice(b"<</Type/MCR/Pg");
                        write_reference(&mut out, *pg);
                        out.extend_from_slice(b"/MCID");
                        write_object(&mut out, &Object::Integer(mcid as i64));
                        out.extend_from_slice(b">>");
                    }
                }
            }
        }
        if !alone {
            out.push(b']');
        }
        if let Some(lang) = lang {
            out.extend_from_slice(b"/Lang");
            write_object(&mut out, &text_string(lang));
        }
        if let Some(alt) = &elem.attrs.alt {
            out.extend_from_slice(b"/Alt");
            write_object(&mut out, &text_string(alt));
        }
        let scope = elem.attrs.scope.map(|s| if s == Scope::Row { "Row" } else { "Column" });
        let span = elem.attrs.col_span.filter(|&s| s > 1);
        if scope.is_some() || span.is_some() {
            out.extend_from_slice(b"/A<<");
            if let Some(scope) = scope {
                out.extend_from_slice(b"/Scope/");
                out.extend_from_slice(scope.as_bytes());
            }
            if let Some(span) = span {
                out.extend_from_slice(b"/ColSpan");
                write_object(&mut out, &Object::Integer(span as i64));
            }
            out.extend_from_slice(b"/O/Table>>");
        }
        out.extend_from_slice(b">>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_outside_any_element_or_inside_an_artifact_is_an_artifact() {
        let mut tags = Tags::default();
        assert_eq!(tags.target(false), None);
        tags.open(Kind::P, Attrs::default());
        assert_eq!(tags.target(false), Some(1));
        assert!(matches!(tags.begin(Some(1)), Mark::Content { mcid: 0, .. }));
        assert_eq!(tags.begin(tags.target(true)), Mark::Artifact);
        tags.begin_artifact();
        tags.open(Kind::H2, Attrs::default());
        assert_eq!(tags.target(false), None);
        let _ = tags.begin(Some(1));
        tags.close();
        tags.end_artifact();
        tags.close();
        assert_eq!(tags.elems.len(), 2, "no element is made for an artifact");
        assert_eq!(tags.page, vec![1, 1]);
    }

    #[test]
    fn mcids_restart_on_every_page() {
        let mut tags = Tags::default();
        tags.open(Kind::P, Attrs::default());
        let _ = tags.begin(Some(1));
        tags.finish_page();
        let _ = tags.begin(Some(1));
        tags.finish_page();
        assert_eq!(tags.pages, vec![vec![1], vec![1]]);
        assert!(matches!(tags.elems[1].kids[..], [Kid::Content(0, 0), Kid::Content(1, 0)]));
    }
}
