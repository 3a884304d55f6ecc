//! `AwsIotDocParser_FindValue` (`aws_iot_doc_parser.h`): the v4 document parser's one function,
//! over [`crate::core::doc_parser`].

use std::ffi::c_char;

use crate::core::doc_parser::find_value;
use crate::ffi::boundary::{guard, try_bytes};

/// Finds the value of the first key named `pAwsIotJsonKey` (its raw text between quotes,
/// `awsIotJsonKeyLength` bytes) in the JSON document of `awsIotJsonDocumentLength` bytes at
/// `pAwsIotJsonDocument`, at any depth. On success `*pAwsIotJsonValue` points into the document
/// at the value (a string with its quotes, an object or array with its brackets, or a number,
/// `true`, `false` or `null`) and `*pAwsIotJsonValueLength` is its length; either output may be
/// NULL. Nothing is allocated and the document needs no NUL terminator. Returns `false`, and
/// leaves both outputs unchanged, when the key is absent, its value is malformed, or an
/// argument is NULL or empty.
/// Borrows the document and key for the call only. Any thread.
#[no_mangle]
pub unsafe extern "C" fn AwsIotDocParser_FindValue(
    pAwsIotJsonDocument: *const c_char,
    awsIotJsonDocumentLength: usize,
    pAwsIotJsonKey: *const c_char,
    awsIotJsonKeyLength: usize,
    pAwsIotJsonValue: *mut *const c_char,
    pAwsIotJsonValueLength: *mut usize,
) -> bool {
    guard(false, || {
        // SAFETY: the caller passes the document and key with their lengths (v4 contract).
        let document = unsafe { try_bytes(pAwsIotJsonDocument.cast(), awsIotJsonDocumentLength) };
        // SAFETY: as above.
        let key = unsafe { try_bytes(pAwsIotJsonKey.cast(), awsIotJsonKeyLength) };
        let (Ok(Some(document)), Ok(Some(key))) = (document, key) else {
            return false;
        };
        let Some(range) = find_value(document, key) else {
            return false;
        };
        if !pAwsIotJsonValue.is_null() {
            // SAFETY: a non-NULL output points to writable storage (v4 contract); the value
            // points into the caller's document, `range.start` being inside it.
            unsafe { *pAwsIotJsonValue = pAwsIotJsonDocument.add(range.start) };
        }
        if !pAwsIotJsonValueLength.is_null() {
            // SAFETY: as above.
            unsafe { *pAwsIotJsonValueLength = range.len() };
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    fn find(document: &[u8], key: &[u8]) -> Option<(usize, usize)> {
        let mut value: *const c_char = ptr::null();
        let mut length = usize::MAX;
        // SAFETY: the slices are valid for their lengths; the outputs are locals.
        let found = unsafe {
            AwsIotDocParser_FindValue(
                document.as_ptr().cast(),
                document.len(),
                key.as_ptr().cast(),
                key.len(),
                &mut value,
                &mut length,
            )
        };
        if !found {
            assert!(value.is_null() && length == usize::MAX, "outputs touched");
            return None;
        }
        Some((value as usize - document.as_ptr() as usize, length))
    }

    #[test]
    fn the_value_points_into_the_document() {
        let document = br#"{"execution":{"jobId":"j-7"}}"#;
        assert_eq!(find(document, b"jobId"), Some((22, 5)));
        assert_eq!(find(document, b"nope"), None);
    }

    #[test]
    fn null_and_empty_arguments_are_false_and_outputs_may_be_null() {
        // SAFETY: NULL pointers with lengths are rejected before any read.
        unsafe {
            assert!(!AwsIotDocParser_FindValue(
                ptr::null(),
                4,
                c"a".as_ptr(),
                1,
                ptr::null_mut(),
                ptr::null_mut()
            ));
            assert!(!AwsIotDocParser_FindValue(
                c"{}".as_ptr(),
                2,
                ptr::null(),
                1,
                ptr::null_mut(),
                ptr::null_mut()
            ));
            assert!(!AwsIotDocParser_FindValue(
                c"{}".as_ptr(),
                0,
                c"a".as_ptr(),
                1,
                ptr::null_mut(),
                ptr::null_mut()
            ));
            assert!(!AwsIotDocParser_FindValue(
                c"{\"\":1}".as_ptr(),
                6,
                c"".as_ptr(),
                0,
                ptr::null_mut(),
                ptr::null_mut()
            ));
            assert!(AwsIotDocParser_FindValue(
                c"{\"a\":1}".as_ptr(),
                7,
                c"a".as_ptr(),
                1,
                ptr::null_mut(),
                ptr::null_mut()
            ));
        }
    }
}
